package dev.chatsync.fanout.inbox;

import dev.chatsync.contracts.InboxAppend;
import java.util.OptionalLong;

/** Users' sync inboxes, written only by stage 2. */
public interface InboxStore {

  /**
   * Appends the entry at the user's next inbox seq, unless the user's inbox already holds an
   * entry of the same kind and conversation at or beyond its seq (a redelivery or a replay: P2,
   * P8). Correct only with one writer per user at a time, which the Kafka partition assignment of
   * {@code chat.inbox-appends} (key = user) provides, and with each kind's entries of a
   * conversation coming in conversation-seq order, which their producers provide.
   *
   * @return the inbox seq the entry got, or empty if it was skipped
   */
  OptionalLong append(InboxAppend entry);
}
