package dev.chatsync.sync.inbox;

/** A row of a user's inbox: a reference to what the device must learn, not its content. */
public record InboxEntry(long seq, String kind, String conversationId, long conversationSeq, String messageId) {}
