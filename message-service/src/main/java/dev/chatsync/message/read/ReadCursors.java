package dev.chatsync.message.read;

import java.util.List;
import reactor.core.publisher.Mono;

/** How far each member has read each conversation. */
public interface ReadCursors {

  /**
   * Moves the member's read position to {@code upTo} if that is further, atomically with respect
   * to the member's other devices: it never moves back. Returns the position it moved from (0 if
   * the member had not read before), or {@code upTo} if it was there or further already.
   */
  Mono<Long> advance(String conversationId, String userId, long upTo);

  /** Every member's read position, for the receipts of one message; bounded by the group size. */
  Mono<List<MemberPosition>> positions(String conversationId);

  /**
   * A member (current or removed) and how far they have read. {@code leftSeq} is null while they
   * are a member.
   */
  record MemberPosition(String userId, long joinedSeq, Long leftSeq, long readSeq) {

    boolean isCurrent() {
      return leftSeq == null;
    }
  }
}
