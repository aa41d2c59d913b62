package dev.chatsync.message.member;

import java.time.Instant;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * Membership changes. Each write is a compare-and-set on the member's version, so concurrent
 * changes of one member serialize; a write that lost returns false and the caller starts again
 * from a fresh read.
 */
public interface MemberStore {

  /** The user's row, current or removed, or empty if they were never a member. */
  Mono<Optional<MemberRecord>> find(String conversationId, String userId);

  /** A first membership at {@code joinedSeq}; false if a row appeared meanwhile. */
  Mono<Boolean> insert(String conversationId, String userId, long joinedSeq, Instant at);

  /**
   * A removed member is a member again from {@code joinedSeq}; their earlier span is kept, because
   * the fanout may still be delivering messages from it (P1).
   */
  Mono<Boolean> rejoin(String conversationId, MemberRecord removed, long joinedSeq, Instant at);

  /** Moves the join point of the membership at {@code version}; false if it changed meanwhile. */
  Mono<Boolean> moveJoined(String conversationId, String userId, int version, long joinedSeq);

  /** Removes the member at {@code version} as of {@code leftSeq}. */
  Mono<Boolean> leave(String conversationId, MemberRecord member, long leftSeq);

  /**
   * The conversation is in the user's list again, as of {@code joinedSeq}; {@code activeAt}, if
   * not null, moves it up the list.
   */
  Mono<Void> list(String userId, String conversationId, long joinedSeq, Instant activeAt);

  /** The conversation leaves the user's list; the row stays (see V002). */
  Mono<Void> unlist(String userId, String conversationId, long leftSeq);
}
