package dev.chatsync.fanout.expand;

import java.util.List;

/**
 * The members of a read-fanout group to tell of its next activity (V010 {@code channel_watchers}):
 * sync-service adds a member when it serves one of their devices the group's channel-activity or
 * membership entry, stamped with the head it served; stage 1 tells them and takes them off, stamped
 * with the head it told ({@link dev.chatsync.contracts.WatchStamps}).
 */
public interface ChannelWatchers {

  /** A watcher as read: a device of theirs was served the group's entries up to {@code servedHead}. */
  record Watcher(String userId, long servedHead) {}

  /** Every watcher of the conversation (at most one row per member: bounded by the group's size). */
  List<Watcher> of(String conversationId);

  /**
   * Takes off the watchers that were told {@code head}: a row served that head or a later one (a
   * device served the entry just sent, or a later one) stays, whatever order the writes land in.
   */
  void told(String conversationId, List<Watcher> watchers, long head);
}
