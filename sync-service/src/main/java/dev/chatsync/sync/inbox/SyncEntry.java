package dev.chatsync.sync.inbox;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An inbox entry as a device receives it: {@code message} is set for kind "message", {@code upTo}
 * (how far the user has read the conversation) for kind "read".
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SyncEntry(long seq, String kind, String conversationId, Message message, Long upTo) {}
