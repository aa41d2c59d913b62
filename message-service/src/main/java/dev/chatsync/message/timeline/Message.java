package dev.chatsync.message.timeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.chatsync.contracts.StorageTimeline;
import java.time.Instant;

/**
 * A message in a conversation's storage timeline, as docs/api.md shows it: its latest state. A
 * recalled message has type {@value #RECALLED} and no body.
 *
 * @param version 1 for a message never changed; each edit and the recall add one
 * @param editedAt when the body was last edited
 * @param recalledBy who recalled it: the sender, or the group's creator
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(
    String conversationId, long seq, String messageId, String clientMsgId, String senderId, String type, String body,
    Instant sentAt, int version, Instant editedAt, Instant recalledAt, String recalledBy) {

  public static final String RECALLED = StorageTimeline.RECALLED;

  /** A message as sent: version 1, never changed. */
  public Message(String conversationId, long seq, String messageId, String clientMsgId, String senderId, String type, String body,
      Instant sentAt) {
    this(conversationId, seq, messageId, clientMsgId, senderId, type, body, sentAt, 1, null, null, null);
  }

  /** Decided by the recall's own mark, never by the type: a client cannot send a message that looks recalled. */
  public boolean recalled() {
    return recalledAt != null;
  }

  /** This message after an edit to {@code newBody} at {@code at}. */
  public Message afterEdit(String newBody, Instant at) {
    return new Message(conversationId, seq, messageId, clientMsgId, senderId, type, newBody, sentAt, version + 1, at, null, null);
  }

  /** This message after its recall by {@code by} at {@code at}: no body. */
  public Message afterRecall(String by, Instant at) {
    return new Message(conversationId, seq, messageId, clientMsgId, senderId, RECALLED, null, sentAt, version + 1, editedAt, at, by);
  }
}
