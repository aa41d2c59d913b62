package dev.chatsync.message.read;

import dev.chatsync.contracts.ReadMoved;
import dev.chatsync.message.sweep.ChangeFinisher;
import dev.chatsync.message.sweep.ChangeKind;
import java.time.Clock;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Announces what of a member's read position is not announced yet, then moves the announced
 * position (P1 for the dual write of read_seq and chat.reads). Used by a read request after it
 * moved the position, by a repeated read, and by the sweeper. A range announced twice (a request
 * and the sweeper at once) is harmless: stage 2 keeps one read entry a position, and a receipt
 * says again what the sender already knows.
 */
@Component
class ReadCompletion implements ChangeFinisher {

  private final ReadCursors cursors;
  private final ReadAnnouncer announcer;
  private final Clock clock = Clock.systemUTC();

  ReadCompletion(ReadCursors cursors, ReadAnnouncer announcer) {
    this.cursors = cursors;
    this.announcer = announcer;
  }

  @Override
  public ChangeKind kind() {
    return ChangeKind.READ;
  }

  /**
   * The sweeper's entry. Reads the row at LOCAL_QUORUM, not LOCAL_SERIAL: a Paxos round per noted
   * read on every instance would load the conversation's partition, which all its members' reads
   * and changes share. A move accepted but not committed when its request died (rare) is missed
   * here; once a later round commits it, the member's next read announces its range.
   */
  @Override
  public Mono<Void> finish(String conversationId, String userId) {
    return cursors.progress(conversationId, userId).flatMap(found -> found.isPresent() && found.get().announcementBehind()
        ? announce(conversationId, userId, found.get().joinedSeq(), found.get().announcedSeq(), found.get().readSeq())
        : Mono.empty());
  }

  /**
   * Announces (announced, upTo], then moves the announced position there if nobody moved it
   * meanwhile (if somebody did, a lag that remains is the sweeper's).
   */
  Mono<Void> announce(String conversationId, String userId, long joinedSeq, long announced, long upTo) {
    // Nobody reads what came before they joined: no receipts for it.
    long from = Math.min(Math.max(announced, joinedSeq), upTo);
    return announcer.announce(new ReadMoved(conversationId, userId, from, upTo, clock.millis()))
        .then(cursors.markAnnounced(conversationId, userId, announced, upTo))
        .then();
  }
}
