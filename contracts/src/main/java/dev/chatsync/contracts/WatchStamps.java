package dev.chatsync.contracts;

/**
 * The write timestamps of {@code channel_watchers} (V010), which sync-service writes and the fanout
 * deletes: taken from conversation heads, not from clocks. A row says "a device of this member was
 * served the group's entry up to head h" and is written at {@code BASE + h}; the fanout, having told
 * the member head H, deletes it at {@code BASE + H - 1}. So whatever order the writes land in and
 * whatever the hosts' clocks say, a row stands exactly when some device was served a head at or
 * above the last head told: a row served again with a newer head survives the delete, a repeated
 * tell of the same head deletes nothing it did not tell past, and a late write of an older head
 * loses (P1: a member with no unseen entry always stays a watcher).
 */
public final class WatchStamps {

  /** Far above any clock time in microseconds, far below the type's limit (as the fanout's progress stamps). */
  public static final long BASE = 1L << 60;

  private WatchStamps() {}

  /** The timestamp of a watcher row whose device was served the group's entry up to {@code head}. */
  public static long served(long head) {
    return BASE + head;
  }

  /** The timestamp of the delete that takes off the watchers told {@code head}: every row served below it. */
  public static long told(long head) {
    return BASE + head - 1;
  }

  /** The head a row's write time says its device was served (0 for a row written otherwise). */
  public static long servedHead(long writtenMicros) {
    return writtenMicros >= BASE ? writtenMicros - BASE : 0;
  }
}
