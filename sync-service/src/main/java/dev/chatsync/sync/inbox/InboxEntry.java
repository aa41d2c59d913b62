package dev.chatsync.sync.inbox;

import java.util.List;

/**
 * A row of a user's inbox: a reference to what the device must learn, not its content.
 * {@code actors} and {@code change} are set for receipt and membership entries.
 */
public record InboxEntry(long seq, String kind, String conversationId, long conversationSeq, String messageId,
    List<String> actors, String change) {

  public InboxEntry(long seq, String kind, String conversationId, long conversationSeq, String messageId) {
    this(seq, kind, conversationId, conversationSeq, messageId, null, null);
  }
}
