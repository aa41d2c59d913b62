package dev.chatsync.contracts;

/**
 * A message was appended to a conversation's storage timeline. A reference, not the message: the
 * body stays in the timeline (DESIGN.md "store once, fan out references").
 *
 * @param sentAtMillis the time the server accepted the message, epoch milliseconds
 */
public record MessageAppended(String conversationId, long seq, String messageId, String senderId, long sentAtMillis) {}
