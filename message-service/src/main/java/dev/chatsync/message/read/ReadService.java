package dev.chatsync.message.read;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.send.Membership;
import dev.chatsync.message.timeline.MessageStore;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * {@code POST /conversations/{id}/read}: moves the caller's read position forward, never back,
 * and puts a {@code read} entry in the caller's inbox so that their other devices learn it.
 */
@Service
public class ReadService {

  private final Membership membership;
  private final MessageStore messages;
  private final ReadCursors cursors;
  private final ReadAnnouncer announcer;

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
    return membership.require(conversationId, caller.userId())
        .then(Mono.defer(() -> messages.head(conversationId)))
        .flatMap(head -> upTo > head
            ? Mono.error(Problems.invalid("upTo", "is beyond the conversation's head " + head))
            : cursors.advance(conversationId, caller.userId(), upTo))
        // Announced also when the position did not move: if an earlier announcement was lost (the
        // broker failed after the compare-and-set), the retry delivers it; stage 2 skips repeats.
        .then(Mono.defer(() -> announcer.announce(caller.userId(), conversationId, upTo)));
  }
}
