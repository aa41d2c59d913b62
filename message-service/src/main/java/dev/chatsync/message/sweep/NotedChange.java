package dev.chatsync.message.sweep;

import java.time.Instant;

/** A change as the worklist holds it: what, whose, and when it was begun. */
public record NotedChange(ChangeKind kind, String conversationId, String userId, Instant notedAt) {}
