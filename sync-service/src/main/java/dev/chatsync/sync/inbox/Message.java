package dev.chatsync.sync.inbox;

import java.time.Instant;

/** A message of a conversation's storage timeline, as docs/api.md shows it. */
public record Message(
    String conversationId, long seq, String messageId, String clientMsgId, String senderId, String type, String body,
    Instant sentAt) {}
