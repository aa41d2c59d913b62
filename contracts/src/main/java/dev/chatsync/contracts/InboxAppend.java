package dev.chatsync.contracts;

import java.util.List;

/**
 * One entry to append to one user's sync inbox, applied by fanout stage 2, the single writer of
 * that user's inbox. Entries of one kind and conversation reach stage 2 in {@link #progress()}
 * order; stage 2 relies on it to skip what it applied before (P2, P8).
 *
 * @param kind what the entry tells the device, one of {@link InboxKind}'s wire names
 * @param conversationSeq the message's seq; for read and receipt entries the read position, for
 *     membership entries the seq at which the user joined or left
 * @param senderId who sent the message the entry refers to
 * @param sentAtMillis when the message was sent (or the read or change was made), epoch milliseconds
 * @param actors the readers of a receipt entry, the user who made a membership change or a message change
 * @param change "added" or "removed", for membership entries; "edited" or "recalled", for message-updated entries
 * @param order the entry's place among the entries of its kind and conversation, when the
 *     conversation seq does not give it (two receipts may carry the same read position); the
 *     message's new version, for message-updated entries; 0: use conversationSeq
 */
public record InboxAppend(String userId, String kind, String conversationId, long conversationSeq, String messageId,
    String senderId, long sentAtMillis, List<String> actors, String change, long order) implements WireRecord {

  public static InboxAppend message(String userId, String conversationId, long seq, String messageId, String senderId,
      long sentAtMillis) {
    return new InboxAppend(userId, InboxKind.MESSAGE.wireName(), conversationId, seq, messageId, senderId, sentAtMillis,
        null, null, 0);
  }

  public static InboxAppend read(String userId, String conversationId, long upTo, long atMillis) {
    return new InboxAppend(userId, InboxKind.READ.wireName(), conversationId, upTo, null, userId, atMillis, null, null, 0);
  }

  public static InboxAppend receipt(String senderId, String conversationId, long upTo, List<String> readers, long order,
      long atMillis) {
    return new InboxAppend(senderId, InboxKind.RECEIPT.wireName(), conversationId, upTo, null, senderId, atMillis,
        List.copyOf(readers), null, order);
  }

  public static InboxAppend membership(String userId, String conversationId, String change, long atSeq, String actor,
      int version, long atMillis) {
    return new InboxAppend(userId, InboxKind.MEMBERSHIP.wireName(), conversationId, atSeq, null, userId, atMillis,
        List.of(actor), change, version);
  }

  public static InboxAppend messageUpdated(String userId, MessageChanged change) {
    return new InboxAppend(userId, InboxKind.MESSAGE_UPDATED.wireName(), change.conversationId(), change.seq(),
        change.messageId(), change.senderId(), change.atMillis(), List.of(change.actorId()), change.change(), change.version());
  }

  /** A read-fanout group's head reached {@code head}, the message sent by {@code senderId} at {@code sentAtMillis}. */
  public static InboxAppend channelActivity(String userId, String conversationId, long head, String senderId,
      long sentAtMillis) {
    return new InboxAppend(userId, InboxKind.CHANNEL_ACTIVITY.wireName(), conversationId, head, null, senderId,
        sentAtMillis, null, null, 0);
  }

  /** The value stage 2 keeps the high-water mark of, under {@link #progressKey()}. */
  public long progress() {
    return order > 0 ? order : conversationSeq;
  }

  /**
   * What stage 2 remembers this entry's progress under. Entries of one kind and conversation come
   * in progress order, so one high-water mark per kind and conversation skips replays; the
   * versions of a message-updated entry are the message's own, so its mark is the message's.
   */
  public String progressKey() {
    if (InboxKind.MESSAGE.wireName().equals(kind)) {
      return conversationId;
    }
    if (InboxKind.MESSAGE_UPDATED.wireName().equals(kind)) {
      return kind + ":" + conversationId + ":" + conversationSeq;
    }
    return kind + ":" + conversationId;
  }

  @Override
  public String problem() {
    String ids = Ids.problemWithAny("userId", userId, "conversationId", conversationId);
    if (ids != null) {
      return ids;
    }
    InboxKind known = InboxKind.fromWire(kind);
    if (known == null) {
      return "kind " + kind + " is not a kind this consumer knows";
    }
    return switch (known) {
      case MESSAGE -> conversationSeq < 1 ? "a message entry needs a seq of at least 1"
          : messageId == null || messageId.isBlank() ? "a message entry needs its messageId"
          : Ids.problemWithAny("senderId", senderId);
      case READ -> conversationSeq < 1 ? "a read entry needs a position of at least 1" : null;
      case RECEIPT -> conversationSeq < 1 || order < 1 ? "a receipt entry needs a position and an order of at least 1"
          : actors == null || actors.isEmpty() ? "a receipt entry names its readers" : null;
      case MEMBERSHIP -> !"added".equals(change) && !"removed".equals(change) ? "change must be added or removed"
          : conversationSeq < 0 || order < 0 ? "a membership entry needs a seq and a version of at least 0"
          : actors == null || actors.isEmpty() ? "a membership entry names who made the change" : null;
      case MESSAGE_UPDATED -> conversationSeq < 1 || order < 2 ? "a message-updated entry needs a seq of at least 1 and a version of at least 2"
          : messageId == null || messageId.isBlank() ? "a message-updated entry needs its messageId"
          : !MessageChanged.EDITED.equals(change) && !MessageChanged.RECALLED.equals(change) ? "change must be edited or recalled"
          : actors == null || actors.isEmpty() ? "a message-updated entry names who made the change" : null;
      case CHANNEL_ACTIVITY -> conversationSeq < 1 ? "a channel-activity entry needs a head of at least 1"
          : Ids.problemWithAny("senderId", senderId);
    };
  }
}
