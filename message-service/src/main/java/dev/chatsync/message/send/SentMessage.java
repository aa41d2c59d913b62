package dev.chatsync.message.send;

import dev.chatsync.message.timeline.Message;
import java.time.Instant;

/** The server's ACK of a send: the message is durably stored under this seq. */
public record SentMessage(String conversationId, long seq, String messageId, String senderId, Instant sentAt) {

  static SentMessage of(Message message) {
    return new SentMessage(message.conversationId(), message.seq(), message.messageId(), message.senderId(), message.sentAt());
  }
}
