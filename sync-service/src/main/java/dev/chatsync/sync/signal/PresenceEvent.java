package dev.chatsync.sync.signal;

import java.time.Instant;

/** The data of a stream's {@code presence} event, and an item of {@code GET /presence}. */
public record PresenceEvent(String userId, boolean online, Instant lastSeenAt) {}
