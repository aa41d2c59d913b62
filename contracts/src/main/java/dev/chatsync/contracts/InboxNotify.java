package dev.chatsync.contracts;

/** A user's inbox now holds entries up to {@code headSeq}: a hint for live streams, never data. */
public record InboxNotify(String userId, long headSeq) {}
