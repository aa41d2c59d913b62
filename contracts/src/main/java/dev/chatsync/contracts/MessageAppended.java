package dev.chatsync.contracts;

/**
 * A message was appended to a conversation's storage timeline. A reference, not the message: the
 * body stays in the timeline (docs/design.md, "The ideas": store once, fan out references). To the fanout it means
 * "the timeline holds every seq up to {@code seq}": it expands the timeline's committed prefix in
 * seq order, not the events in arrival order, so events may come twice or out of order. Its
 * fields are the stored row's, so the fanout may take a message right after its progress from
 * the event instead of reading the row. The republisher sends one for the newest message of a
 * conversation the fanout fell behind on.
 *
 * @param sentAtMillis the time the server accepted the message, epoch milliseconds
 */
public record MessageAppended(String conversationId, long seq, String messageId, String senderId, long sentAtMillis)
    implements WireRecord {

  @Override
  public String problem() {
    String ids = Ids.problemWithAny("conversationId", conversationId, "senderId", senderId);
    if (ids != null) {
      return ids;
    }
    if (seq < 1) {
      return "seq must be at least 1";
    }
    return messageId == null || messageId.isBlank() ? "messageId is required" : null;
  }
}
