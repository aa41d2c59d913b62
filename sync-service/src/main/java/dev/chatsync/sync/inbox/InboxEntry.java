package dev.chatsync.sync.inbox;

import dev.chatsync.contracts.InboxKind;
import java.util.List;

/**
 * A row of a user's inbox: a reference to what the device must learn, not its content.
 * {@code actors} and {@code change} are set for receipt, membership and message-updated entries;
 * {@code version}, the message's version the entry announces, for message-updated entries (else 0).
 */
public record InboxEntry(long seq, String kind, String conversationId, long conversationSeq, String messageId,
    List<String> actors, String change, int version) {

  public InboxEntry(long seq, String kind, String conversationId, long conversationSeq, String messageId) {
    this(seq, kind, conversationId, conversationSeq, messageId, null, null, 0);
  }

  /** Whether the entry shows a message (its latest state, read from the timeline). */
  public boolean showsMessage() {
    return InboxKind.MESSAGE.wireName().equals(kind) || InboxKind.MESSAGE_UPDATED.wireName().equals(kind);
  }

  /** Whether the entry sends the device to a conversation's history: a channel-activity entry, or being added. */
  public boolean sendsToHistory() {
    return InboxKind.CHANNEL_ACTIVITY.wireName().equals(kind)
        || InboxKind.MEMBERSHIP.wireName().equals(kind) && "added".equals(change);
  }
}
