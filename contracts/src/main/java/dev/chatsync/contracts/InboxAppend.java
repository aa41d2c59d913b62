package dev.chatsync.contracts;

/**
 * One entry to append to one user's sync inbox: produced by fanout stage 1, applied by stage 2,
 * the single writer of that user's inbox. Stage 1 produces a conversation's entries for a user in
 * conversation-seq order; stage 2 relies on it to skip what it applied before (P2).
 *
 * @param kind what the entry tells the device, one of {@link InboxKind}'s wire names
 * @param senderId who sent the message the entry refers to
 * @param sentAtMillis when the message was sent, epoch milliseconds
 */
public record InboxAppend(String userId, String kind, String conversationId, long conversationSeq, String messageId,
    String senderId, long sentAtMillis) {}
