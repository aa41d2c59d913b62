package dev.chatsync.fanout.inbox;

import dev.chatsync.contracts.InboxAppend;

/** An entry for a user's inbox as it arrived on chat.inbox-appends, with its record's offset. */
public record Arrival(InboxAppend entry, long offset) {}
