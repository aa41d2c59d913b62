package dev.chatsync.message.member;

/**
 * A user's membership row: a member from {@code joinedSeq} on, removed at {@code leftSeq} (null
 * while a member). {@code version} counts the changes; every change is a compare-and-set on it.
 */
public record MemberRecord(String userId, long joinedSeq, Long leftSeq, int version) {

  public boolean isCurrent() {
    return leftSeq == null;
  }
}
