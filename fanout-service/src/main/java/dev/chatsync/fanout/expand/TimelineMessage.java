package dev.chatsync.fanout.expand;

import java.time.Instant;

/** What the fanout needs of a message in the storage timeline: never its body. */
public record TimelineMessage(String conversationId, long seq, String messageId, String senderId, Instant sentAt) {}
