package dev.chatsync.message.read;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.send.Membership;
import dev.chatsync.message.sweep.ChangeJournal;
import dev.chatsync.message.sweep.ChangeKind;
import dev.chatsync.message.timeline.MessageStore;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * {@code POST /conversations/{id}/read}: moves the caller's read position forward, never back,
 * and announces it: the caller's other devices get a read entry, the senders of the newly read
 * messages a receipt entry. A read that will move the position, or finds some of it unannounced, is
 * noted for the sweeper before its first write, so an announcement lost with a request that died is
 * made by the retry or the sweeper (docs/design.md, the faults). One that finds nothing to do costs plain reads
 * only: every member's reads share the conversation's partition, and Paxos rounds on it are dear.
 */
@Service
public class ReadService {

  private final Membership membership;
  private final MessageStore messages;
  private final ReadCursors cursors;
  private final ReadCompletion completion;
  private final ChangeJournal journal;

  ReadService(Membership membership, MessageStore messages, ReadCursors cursors, ReadCompletion completion,
      ChangeJournal journal) {
    this.membership = membership;
    this.messages = messages;
    this.cursors = cursors;
    this.completion = completion;
    this.journal = journal;
  }

  public Mono<Void> read(Caller caller, String conversationId, Long upTo) {
    if (upTo == null || upTo < 1) {
      return Mono.error(Problems.invalid("upTo", "must be a seq of at least 1"));
    }
    String userId = caller.userId();
    return membership.require(conversationId, userId).flatMap(member -> messages.head(conversationId)
        .defaultIfEmpty(0L)
        .flatMap(head -> upTo > head
            ? Mono.error(Problems.invalid("upTo", "is beyond the conversation's head " + head))
            : cursors.progress(conversationId, userId))
        // A read that moves nothing and finds nothing unannounced (a repeat, a device behind another)
        // ends here: no note, no Paxos round on the conversation's partition.
        .filter(progress -> progress.isEmpty() || progress.get().readSeq() < upTo || progress.get().announcementBehind())
        .flatMap(progress -> journal.begin(ChangeKind.READ, conversationId, userId))
        .flatMap(deadline -> cursors.advance(conversationId, userId, upTo, deadline.lastStart()))
        // Announced from the announced position: that covers a move whose announcement an earlier
        // request lost, so the retry of a read that died finishes it.
        .flatMap(advance -> advance.announcementBehind()
            ? completion.announce(conversationId, userId, member.joinedSeq(), advance.announcedSeq(), advance.readSeq())
            : Mono.empty()));
  }
}
