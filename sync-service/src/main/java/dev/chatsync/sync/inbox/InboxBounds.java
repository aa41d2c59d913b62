package dev.chatsync.sync.inbox;

/**
 * Where a user's inbox is whole: every entry in {@code (lowWater, head]} is readable, or about to
 * be (stage 2 allocates seqs before it writes the entries), except below {@code uncertainBelow},
 * where entries written before the inbox had low-water marks may have expired (a missing one there
 * is taken as expired). At or below {@code lowWater} entries may have expired or belong to the
 * inbox before a rebuild.
 */
public record InboxBounds(long head, long lowWater, long uncertainBelow) {}
