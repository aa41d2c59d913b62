package dev.chatsync.message.sweep;

import java.time.Instant;

/**
 * A change as the worklist holds it: what, of what, and when it was begun.
 *
 * @param subject what changed in the conversation: the member's user id for membership and read
 *     changes, the message's seq for message changes
 */
public record NotedChange(ChangeKind kind, String conversationId, String subject, Instant notedAt) {}
