package dev.chatsync.fanout.inbox;

import dev.chatsync.contracts.InboxAppend;

/** Users' sync inboxes, written only by stage 2. */
public interface InboxStore {

  /**
   * Appends the entry at the user's next inbox seq and moves the user's inbox head to it. Correct
   * only with one writer per user at a time, which the Kafka partition assignment of
   * {@code chat.inbox-appends} (key = user) provides: inbox seqs then never collide (P3, P4).
   *
   * @return the inbox seq the entry got
   */
  long append(InboxAppend entry);
}
