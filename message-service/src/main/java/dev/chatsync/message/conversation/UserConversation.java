package dev.chatsync.message.conversation;

import java.time.Instant;

/**
 * One conversation as one user sees it: the last seq delivered to the user's inbox, when, how far
 * the user has read ({@code readSeq} by reading, {@code ownLastSeq} by sending), and the user's mute.
 */
public record UserConversation(
    String conversationId, long joinedSeq, long lastSeq, Instant lastActiveAt, long readSeq, long ownLastSeq, Mute mute) {

  public UserConversation(String conversationId, long joinedSeq, long lastSeq, Instant lastActiveAt, long readSeq,
      long ownLastSeq) {
    this(conversationId, joinedSeq, lastSeq, lastActiveAt, readSeq, ownLastSeq, Mute.NONE);
  }

  /** Sending marks everything before it as read, and nobody has read before they joined. */
  public long effectiveReadSeq() {
    return Math.max(joinedSeq, Math.max(readSeq, ownLastSeq));
  }

  /** Messages after the read position; never the user's own (they move the read position). */
  public long unreadCount() {
    return Math.max(0, lastSeq - effectiveReadSeq());
  }

  /**
   * As the list shows a group whose head may be past what reached the user's inbox: a group
   * delivered by read fanout tells its members of new messages only now and then (docs/design.md,
   * "Large groups"), so its head is read from the timeline, and the unread count is the head less
   * the read position.
   */
  public UserConversation withHead(long head) {
    return head <= lastSeq ? this : new UserConversation(conversationId, joinedSeq, head, lastActiveAt, readSeq, ownLastSeq, mute);
  }
}
