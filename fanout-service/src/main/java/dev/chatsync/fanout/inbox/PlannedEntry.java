package dev.chatsync.fanout.inbox;

import dev.chatsync.contracts.InboxAppend;

/** An entry and the inbox seq a write allocated it. */
public record PlannedEntry(long seq, InboxAppend entry) {}
