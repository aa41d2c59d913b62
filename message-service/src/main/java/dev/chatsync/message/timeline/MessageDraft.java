package dev.chatsync.message.timeline;

import java.time.Instant;

/** A message before it has a seq. */
public record MessageDraft(
    String conversationId, String messageId, String clientMsgId, String senderId, String type, String body, Instant sentAt) {

  public Message at(long seq) {
    return new Message(conversationId, seq, messageId, clientMsgId, senderId, type, body, sentAt);
  }
}
