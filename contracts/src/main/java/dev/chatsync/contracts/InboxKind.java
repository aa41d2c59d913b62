package dev.chatsync.contracts;

/** What an inbox entry tells a device (docs/api.md, "Sync"). */
public enum InboxKind {
  /** A message of one of the user's conversations; conversationSeq is its seq. */
  MESSAGE("message"),
  /** The user read a conversation (on some device) up to conversationSeq. */
  READ("read"),
  /** Others (the actors) read the user's messages of a conversation up to conversationSeq. */
  RECEIPT("receipt"),
  /** The user was added to or removed from a conversation at conversationSeq, by the actor. */
  MEMBERSHIP("membership"),
  /**
   * A message of one of the user's conversations was edited or recalled: conversationSeq is its
   * seq, order its new version. Comes after the user's entry for the message itself.
   */
  MESSAGE_UPDATED("message-updated"),
  /**
   * A group delivered by read fanout has messages up to conversationSeq (its head when the entry
   * was written): the device reads them from the conversation's history. At most one per
   * conversation and coalescing interval, and none while an earlier one is still unseen by all
   * of the user's devices; senderId and sentAtMillis are the head message's.
   */
  CHANNEL_ACTIVITY("channel-activity");

  private final String wireName;

  InboxKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The kind of a wire name, or null for one this code does not know. */
  public static InboxKind fromWire(String wireName) {
    for (InboxKind kind : values()) {
      if (kind.wireName.equals(wireName)) {
        return kind;
      }
    }
    return null;
  }
}
