package dev.chatsync.message.member;

import java.util.Map;

/**
 * A user's membership row: a member from {@code joinedSeq} on, removed at {@code leftSeq} (null
 * while a member), earlier spans (joined -> left) if removed and added again. {@code version}
 * counts the changes; every change is a compare-and-set on it. {@code versionWrittenAt} is the
 * write time (microseconds) of the change that made this version: a Paxos ballot's, so it grows with
 * the version whatever the instances' clocks say (the conversation list row carries it).
 *
 * <p>What is left of the last change, for a retry or the sweeper to finish (docs/design.md, the faults):
 * {@code settledVersion} and {@code completedVersion} are the versions whose join point was
 * settled and whose list row and membership entry were written (null on rows from before the
 * markers existed: nothing left). {@code changedBy} made the last change.
 */
public record MemberRecord(String userId, long joinedSeq, Long leftSeq, int version, long versionWrittenAt,
    Map<Long, Long> earlierSpans, Integer settledVersion, Integer completedVersion, String changedBy) {

  public boolean isCurrent() {
    return leftSeq == null;
  }

  /**
   * An add whose join point was not yet moved past the head read after its row was written. Only
   * a current member has one: on a removed member's row (its version moved by code from before the
   * markers, which left them behind) a settle would empty the span the fanout still delivers (P1).
   */
  boolean joinUnsettled() {
    return isCurrent() && settledVersion != null && settledVersion < version;
  }

  /** A change whose list row or membership entry may not be written yet. */
  boolean unfinished() {
    return joinUnsettled() || completedVersion != null && completedVersion < version;
  }

  /** Who the membership entry names: whoever made the change (the user, on rows that do not say). */
  String actor() {
    return changedBy != null ? changedBy : userId;
  }
}
