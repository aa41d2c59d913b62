package dev.chatsync.fanout.receipt;

import dev.chatsync.contracts.InboxAppend;

/** Where coalesced receipt entries go: the senders' inboxes (stage 2). */
interface ReceiptSink {

  void send(InboxAppend receipt);
}
