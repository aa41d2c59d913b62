package dev.chatsync.sync.inbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A message of a conversation's storage timeline, as docs/api.md shows it: its latest state as
 * read. A recalled message has type "recalled" and no body (contracts' StorageTimeline decides both).
 *
 * @param version 1 for a message never changed; each edit and the recall add one
 * @param editedAt when the body was last edited
 * @param recalledBy who recalled it: the sender, or the group's creator
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(
    String conversationId, long seq, String messageId, String clientMsgId, String senderId, String type, String body,
    Instant sentAt, int version, Instant editedAt, Instant recalledAt, String recalledBy) {

  /** A message as sent: version 1, never changed. */
  public Message(String conversationId, long seq, String messageId, String clientMsgId, String senderId, String type, String body,
      Instant sentAt) {
    this(conversationId, seq, messageId, clientMsgId, senderId, type, body, sentAt, 1, null, null, null);
  }
}
