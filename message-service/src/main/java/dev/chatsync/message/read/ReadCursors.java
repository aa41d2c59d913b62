package dev.chatsync.message.read;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How far each member has read each conversation, and how far that was announced (ReadMoved on
 * chat.reads). Both move forward only, by compare-and-set; everything up to the announced position
 * was announced at least once, so what lies between it and the read position is what a request
 * that died left unannounced (docs/design.md, the faults).
 */
public interface ReadCursors {

  /**
   * Moves the member's read position to {@code upTo} if that is further, atomically with respect
   * to the member's other devices: it never moves back. Starts no conditional write after
   * {@code notAfter}, and gives up on a position that keeps changing (503 either way: see
   * ChangeJournal). A member's first read, or the first since the announced position existed, also
   * sets that to where the read position was (0, or the old one).
   */
  Mono<Advance> advance(String conversationId, String userId, long upTo, Instant notAfter);

  /**
   * The member's read and announced positions, read at LOCAL_QUORUM (no Paxos round: every read of
   * every member shares the conversation's partition). A move whose conditional write was accepted
   * but not committed shows once a later Paxos round on the partition completes it; the lag it
   * leaves is announced by the member's next read (or a sweep of a later one). Empty if the user
   * was never a member.
   */
  Mono<Optional<ReadProgress>> progress(String conversationId, String userId);

  /** Moves the announced position from {@code expected} to {@code upTo}; false if it was not at {@code expected}. */
  Mono<Boolean> markAnnounced(String conversationId, String userId, long expected, long upTo);

  /**
   * Every member's read position, for the receipts of one message, in user id order, streamed page
   * by page from the store (a group may have 100,000 members: never all in memory at once, P7).
   */
  Flux<MemberPosition> positions(String conversationId);

  /**
   * Where an advance left the member: at {@code readSeq} (the position asked for, or a further one
   * another device had moved it to), with everything up to {@code announcedSeq} announced.
   */
  record Advance(long readSeq, long announcedSeq) {

    /** Some of the read position is not announced yet: this read's move, or one a request that died left. */
    public boolean announcementBehind() {
      return announcedSeq < readSeq;
    }
  }

  /** A member's positions; {@code announcedSeq} is their read position on rows from before it was kept. */
  record ReadProgress(long joinedSeq, long readSeq, long announcedSeq) {

    public boolean announcementBehind() {
      return announcedSeq < readSeq;
    }
  }

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
