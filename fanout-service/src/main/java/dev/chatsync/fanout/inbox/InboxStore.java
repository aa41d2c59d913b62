package dev.chatsync.fanout.inbox;

import dev.chatsync.contracts.InboxAppend;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/** Users' sync inboxes, written only by stage 2. */
public interface InboxStore {

  /**
   * Appends the user's entries, in the order given, at the user's next inbox seqs, skipping each
   * entry whose kind and conversation the inbox already holds at or beyond its progress (a
   * redelivery or a replay: P2, P8). Correct only with one writer per user at a time, which the
   * Kafka partition assignment of {@code chat.inbox-appends} (key = user) provides, and with each
   * kind's entries of a conversation coming in progress order, which their producers provide.
   *
   * @return the user's new inbox head, or empty if every entry was skipped
   */
  CompletionStage<OptionalLong> append(String userId, List<InboxAppend> entries);
}
