package dev.chatsync.fanout.expand;

import java.util.List;

/**
 * The members of a read-fanout group to tell of its next activity (V010 {@code channel_watchers}):
 * sync-service adds a member when it serves one of their devices the group's channel-activity or
 * membership entry; stage 1 tells them and takes them off.
 */
public interface ChannelWatchers {

  /** A watcher as read: {@code writtenMicros} is the row's write time, what {@link #told} deletes up to. */
  record Watcher(String userId, long writtenMicros) {}

  /** Every watcher of the conversation (at most one row per member: bounded by the group's size). */
  List<Watcher> of(String conversationId);

  /**
   * Takes the watchers off as they were read: a row written again since (a device served the entry
   * just sent, or a later one) stays, so that member is told of the next activity too.
   */
  void told(String conversationId, List<Watcher> watchers);
}
