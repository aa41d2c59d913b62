package dev.chatsync.message.send.owner;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.message.send.SendDedup.Key;
import dev.chatsync.message.send.SendPath;
import dev.chatsync.message.send.SentMessage;
import dev.chatsync.message.send.owner.ConversationLog.Waiting;
import dev.chatsync.message.send.owner.OwnedTimeline.Recorded;
import dev.chatsync.message.timeline.Message;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;

/**
 * The send path without a consensus round per message: the owner of the conversation's slot
 * answers a retry from memory or from the send's durable record, and queues a new send into the
 * conversation's next batch; an instance that does not own the slot hands the send to the one
 * that does.
 */
public class OwnedSends implements SendPath {

  private final ConversationLogs logs;
  private final OwnedTimeline timeline;
  private final SendForwarder forwarder;

  public OwnedSends(ConversationLogs logs, OwnedTimeline timeline, SendForwarder forwarder) {
    this.logs = logs;
    this.timeline = timeline;
    this.forwarder = forwarder;
  }

  @Override
  public Mono<Outcome> send(Caller caller, Key key, String type, String body) {
    return logs.logOf(key.conversationId())
        .flatMap(conversation -> sendInto(conversation, key, type, body))
        .onErrorResume(ConversationLogs.NotHere.class, notHere -> forwarder.forward(caller, key, type, body, notHere));
  }

  private Mono<Outcome> sendInto(ConversationLog conversation, Key key, String type, String body) {
    Optional<CompletableFuture<Message>> known;
    synchronized (conversation) {
      known = conversation.known(key);
    }
    if (known.isPresent()) {
      return Mono.fromFuture(known.get(), true).map(message -> Outcome.storedHere(sent(message), false));
    }
    return timeline.findSend(key)
        .flatMap(recorded -> recorded.isPresent() ? stored(conversation, key, recorded.get()) : Mono.just(Optional.<Outcome>empty()))
        .flatMap(earlier -> earlier.map(Mono::just).orElseGet(() -> queue(conversation, key, type, body)));
  }

  /**
   * A durable record says the send was stored: true only if the timeline holds its message at or
   * below the head. A stalled owner's record of a batch that a later owner overwrote points at
   * another message, or above the head (P5 without losing the retry, P1).
   */
  private Mono<Optional<Outcome>> stored(ConversationLog conversation, Key key, Recorded recorded) {
    long head;
    synchronized (conversation) {
      head = conversation.head();
    }
    if (recorded.seq() > head) {
      return Mono.just(Optional.empty());
    }
    return timeline.at(key.conversationId(), recorded.seq()).map(message -> message
        .filter(found -> found.messageId().equals(recorded.messageId()))
        .map(found -> Outcome.storedHere(sent(found), false)));
  }

  private Mono<Outcome> queue(ConversationLog conversation, Key key, String type, String body) {
    Waiting waiting = new Waiting(key, UUID.randomUUID().toString(), type, body, new CompletableFuture<>());
    // A retry that raced the first attempt to this point gets the first one's result.
    Optional<CompletableFuture<Message>> concurrent = logs.submit(conversation, waiting);
    if (concurrent.isPresent()) {
      return Mono.fromFuture(concurrent.get(), true).map(message -> Outcome.storedHere(sent(message), false));
    }
    return Mono.fromFuture(waiting.result(), true).map(message -> Outcome.storedHere(sent(message), true));
  }

  private static SentMessage sent(Message message) {
    return new SentMessage(message.conversationId(), message.seq(), message.messageId(), message.senderId(), message.sentAt());
  }
}
