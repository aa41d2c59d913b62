package dev.chatsync.sync.signal;

import java.time.Instant;

/** The data of a stream's {@code typing} event: {@code userId} types in the conversation until {@code until}. */
public record TypingEvent(String conversationId, String userId, Instant until) {}
