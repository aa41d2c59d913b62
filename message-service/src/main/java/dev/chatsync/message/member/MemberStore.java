package dev.chatsync.message.member;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import reactor.core.publisher.Mono;

/**
 * Membership changes. Each change is one conditional batch on the conversation's partition: a
 * compare-and-set on the member's version, or for a first membership on the row not existing yet
 * (so concurrent changes of one member serialize), and on the conversation's member count (so
 * concurrent adds cannot pass the group's cap). A write that lost returns false and the caller
 * starts again from a fresh read.
 *
 * <p>A change leaves markers saying what is still to do ({@link MemberRecord}); the completion
 * steps are idempotent and each marker moves only by compare-and-set on the version.
 */
public interface MemberStore {

  /**
   * The member count a change moves, from {@code expected} (null: never kept yet) to {@code next}:
   * never below zero.
   */
  record Count(Integer expected, int next) {

    public Count {
      if (next < 0) {
        throw new IllegalArgumentException("a member count below zero: " + next);
      }
    }
  }

  /** The user's row, current or removed, or empty if they were never a member. */
  Mono<Optional<MemberRecord>> find(String conversationId, String userId);

  /** The rows of those of the users who are or were members, by user id. */
  Mono<Map<String, MemberRecord>> findAll(String conversationId, Collection<String> userIds);

  /**
   * As {@link #find}, read at LOCAL_SERIAL: a change whose conditional write was accepted but not
   * committed (its coordinator died) is completed first, so what this returns stays true.
   */
  Mono<Optional<MemberRecord>> findCommitted(String conversationId, String userId);

  /** The conversation's kept member count; empty if no change has kept it yet. */
  Mono<OptionalInt> memberCount(String conversationId);

  /** Counts the current members row by row (for a conversation whose count is not kept yet). */
  Mono<Integer> countMembers(String conversationId);

  /**
   * First memberships at {@code joinedSeq}, their join points unsettled, all in one conditional
   * batch (one Paxos round however many users: a page of 100 costs what one did); false, and
   * nothing written, if any of them has a row or the count changed meanwhile.
   */
  Mono<Boolean> insert(String conversationId, Collection<String> userIds, long joinedSeq, Instant at, String actor, Count count);

  /**
   * A removed member is a member again from {@code joinedSeq}, with {@code earlierSpans} (the
   * spans to keep, the one that just ended included; the fanout may still deliver from them, P1).
   */
  Mono<Boolean> rejoin(String conversationId, MemberRecord removed, long joinedSeq, Instant at, String actor,
      Map<Long, Long> earlierSpans, Count count);

  /** Removes the member as of {@code leftSeq}; false if the member or the count changed meanwhile. */
  Mono<Boolean> leave(String conversationId, MemberRecord member, long leftSeq, String actor, Count count);

  /**
   * Moves the join point of each unsettled add to {@code head} (or leaves it where it is, if past
   * that) and marks it settled, in one conditional batch; false, and nothing written, if any of
   * them changed meanwhile or is not current (a removed member's span stays as it is: the fanout
   * still delivers it).
   */
  Mono<Boolean> settle(String conversationId, Collection<MemberRecord> members, long head);

  /** Marks the members' changes completed, in one conditional batch; false, and none marked, if any of them changed meanwhile. */
  Mono<Boolean> markCompleted(String conversationId, Collection<MemberRecord> members);

  /**
   * The conversation is in the user's list again, as of the current member's join point. The list
   * columns a membership owns (joined_seq, left_seq) are written with the member's
   * {@link MemberRecord#versionWrittenAt} as their timestamp, so the newest version's list row wins,
   * whatever order completions of different versions land in and whatever the clocks of their
   * instances say. {@code activeAt}, if not null, moves the conversation up the list (a write of its
   * own, stamped by this instance).
   */
  Mono<Void> list(String conversationId, MemberRecord member, Instant activeAt);

  /** The conversation leaves the removed member's list as of their leaving seq, stamped as {@link #list}; the row stays (see V002). */
  Mono<Void> unlist(String conversationId, MemberRecord member);
}
