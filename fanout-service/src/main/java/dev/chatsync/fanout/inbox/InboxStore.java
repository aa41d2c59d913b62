package dev.chatsync.fanout.inbox;

import dev.chatsync.contracts.Memo;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/** Users' sync inboxes, written only by stage 2. */
public interface InboxStore {

  /**
   * Appends the user's entries, in the order given, at the user's next inbox seqs, skipping each
   * entry whose kind and conversation the inbox already holds at or beyond its progress (a
   * redelivery or a replay: P2, P8), and each message entry that predates a rebuild of the inbox.
   * Each kind's entries of a conversation must come in progress order, which their producers
   * provide.
   *
   * <p>A writer that stalled while another took the user over, and wakes up, writes what the other
   * wrote at the same seqs and moves nothing back. A crash half-way through leaves entries that
   * whoever writes the inbox next completes, identically, before anything else.
   *
   * @param known the states this writer remembers of the inboxes of the user's partition, under its
   *     current assignment of that partition: a state remembered from before a gap in the records
   *     this writer saw would give seqs another writer gave already (P1), so the caller starts an
   *     empty one with every assignment and never hands one to another assignment
   * @return the user's new inbox head, or empty if every entry was skipped
   */
  CompletionStage<OptionalLong> append(String userId, List<Arrival> entries, Memo<String, InboxState> known);

  /**
   * Starts a new generation of the user's inbox, for a rebuild after its entries were lost or
   * damaged: its seqs start above every seq the user ever had (a device's cursor is never above a
   * new entry: it gets 410 and rebuilds from history), its progress marks start empty, and message
   * entries from records of chat.inbox-appends below {@code rebuiltAtOffset} are skipped from now
   * on (the rebuild expands them again, in order). Only while no stage 2 runs.
   *
   * @return the new generation's base: its entries are above it
   */
  CompletionStage<Long> startGeneration(String userId, long rebuiltAtOffset);
}
