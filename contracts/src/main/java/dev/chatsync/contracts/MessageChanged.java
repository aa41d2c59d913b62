package dev.chatsync.contracts;

/**
 * A stored message was edited or recalled and is now at {@code version}: a reference, not the
 * message. The body stays in the timeline, and a recalled body is nowhere. The fanout turns it into
 * one {@code message-updated} entry for each member who received the message, after that member's
 * entry for the message itself. It may come twice (a request and the sweeper both announce a
 * change) or after a later version's: stage 2 keeps one entry per message and version, and only
 * versions above the last one it applied (P2).
 *
 * @param change {@link #EDITED} or {@link #RECALLED}
 * @param actorId who made the change: the sender, or for a recall the group's creator
 * @param atMillis when the change was made, epoch milliseconds
 */
public record MessageChanged(String conversationId, long seq, String messageId, String senderId, int version, String change,
    String actorId, long atMillis) implements WireRecord {

  public static final String EDITED = "edited";
  public static final String RECALLED = "recalled";

  @Override
  public String problem() {
    String ids = Ids.problemWithAny("conversationId", conversationId, "senderId", senderId, "actorId", actorId);
    if (ids != null) {
      return ids;
    }
    if (seq < 1) {
      return "seq must be at least 1";
    }
    if (messageId == null || messageId.isBlank()) {
      return "messageId is required";
    }
    if (version < 2) {
      return "version must be at least 2: a change makes a new version of a message";
    }
    return EDITED.equals(change) || RECALLED.equals(change) ? null : "change must be edited or recalled";
  }
}
