package dev.chatsync.contracts;

/**
 * One entry to append to one user's sync inbox: produced by fanout stage 1, applied by stage 2,
 * the single writer of that user's inbox.
 *
 * @param kind what the entry tells the device, one of {@link InboxKind}'s wire names
 */
public record InboxAppend(String userId, String kind, String conversationId, long conversationSeq, String messageId) {}
