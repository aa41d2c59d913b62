package dev.chatsync.message.read;

import dev.chatsync.contracts.ReadMoved;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.send.Membership;
import dev.chatsync.message.timeline.MessageStore;
import java.time.Clock;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * {@code POST /conversations/{id}/read}: moves the caller's read position forward, never back,
 * and announces it: the caller's other devices get a read entry, the senders of the newly read
 * messages a receipt entry.
 */
@Service
public class ReadService {

  private final Membership membership;
  private final MessageStore messages;
  private final ReadCursors cursors;
  private final ReadAnnouncer announcer;
  private final Clock clock = Clock.systemUTC();

  ReadService(Membership membership, MessageStore messages, ReadCursors cursors, ReadAnnouncer announcer) {
    this.membership = membership;
    this.messages = messages;
    this.cursors = cursors;
    this.announcer = announcer;
  }

  public Mono<Void> read(Caller caller, String conversationId, Long upTo) {
    if (upTo == null || upTo < 1) {
      return Mono.error(Problems.invalid("upTo", "must be a seq of at least 1"));
    }
    return membership.require(conversationId, caller.userId()).flatMap(member -> messages.head(conversationId)
        .defaultIfEmpty(0L)
        .flatMap(head -> upTo > head
            ? Mono.error(Problems.invalid("upTo", "is beyond the conversation's head " + head))
            : cursors.advance(conversationId, caller.userId(), upTo))
        // Nobody reads what came before they joined: no receipts for it.
        .map(from -> Math.max(from, member.joinedSeq()))
        // Announced also when the position did not move (from == upTo): if an earlier announcement
        // was lost (the broker failed after the compare-and-set), the retry delivers the read
        // entry; stage 2 skips repeats. Its receipts are not repeated: they are not core data.
        .flatMap(from -> announcer.announce(new ReadMoved(conversationId, caller.userId(), Math.min(from, upTo), upTo,
            clock.millis()))));
  }
}
