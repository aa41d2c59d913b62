package dev.chatsync.message.send;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.WriteMargin;
import dev.chatsync.message.send.SendDedup.Completed;
import dev.chatsync.message.send.SendDedup.Key;
import dev.chatsync.message.send.SendDedup.Owned;
import dev.chatsync.message.send.SendDedup.Pending;
import dev.chatsync.message.timeline.MessageDraft;
import dev.chatsync.message.timeline.MessageStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

/**
 * The send path with two consensus rounds per message ({@code chat.messages.send-path:
 * consensus}): claim the clientMsgId with a conditional insert, then append at the head with a
 * conditional batch. Correct with any number of instances sending into one conversation, without
 * owners; the conversation was marked recent before the append (P1).
 */
@Component
@ConditionalOnProperty(name = "chat.messages.send-path", havingValue = "consensus")
class ConsensusSends implements SendPath {

  private final MessageStore messages;
  private final SendDedup dedup;
  private final RecentConversations recent;
  private final SentMessageFinder finder;
  private final MessageProperties properties;
  private final WriteMargin margin;
  private final Clock clock = Clock.systemUTC();

  ConsensusSends(MessageStore messages, SendDedup dedup, RecentConversations recent, MessageProperties properties,
      WriteMargin margin) {
    margin.requireRoomIn(properties.sendLease(), "chat.messages.send-lease");
    this.messages = messages;
    this.dedup = dedup;
    this.recent = recent;
    this.finder = new SentMessageFinder(messages);
    this.properties = properties;
    this.margin = margin;
  }

  @Override
  public Mono<Outcome> send(Caller caller, Key key, String type, String body) {
    String conversationId = key.conversationId();
    return messages.head(conversationId)
        .switchIfEmpty(Mono.error(() -> Problems.notFound("No conversation " + conversationId + ".")))
        .flatMap(head -> {
          Instant now = now();
          String messageId = UUID.randomUUID().toString();
          return dedup.claim(key, messageId, head, now).flatMap(claim -> {
            if (claim instanceof Owned owned) {
              return append(key, new MessageDraft(conversationId, messageId, key.clientMsgId(), caller.userId(), type,
                  body, owned.claimedAt()), head);
            }
            if (claim instanceof Completed done) {
              return Mono.just(Outcome.storedHere(new SentMessage(conversationId, done.seq(), done.messageId(),
                  caller.userId(), done.sentAt()), false));
            }
            return resolve(key, (Pending) claim, type, body);
          });
        });
  }

  /**
   * A send of this clientMsgId was claimed and not completed. While its owner's lease runs, the
   * owner may still append: the retry is told to come back. After the lease the owner appends no
   * more (see {@link #append}), so either its message is in the timeline (find it, complete it) or
   * it never will be (take the send over, append it under the same message id).
   */
  private Mono<Outcome> resolve(Key key, Pending pending, String type, String body) {
    Instant leaseEnd = pending.claimedAt().plus(properties.sendLease());
    if (now().isBefore(leaseEnd)) {
      return Mono.error(inProgress(key));
    }
    // Messages stamped after this (by any instance's clock) were appended after the owner's last attempt.
    return finder.find(key.conversationId(), pending.messageId(), pending.headAtClaim(), leaseEnd.plus(margin.clockSkew()))
        .flatMap(found -> dedup.complete(key, found.seq(), found.sentAt())
            .thenReturn(Outcome.storedHere(SentMessage.of(found), false)))
        .switchIfEmpty(Mono.defer(() -> takeOver(key, pending, type, body)));
  }

  /** The owner's message was never appended: append it now, under its message id, if we win the claim. */
  private Mono<Outcome> takeOver(Key key, Pending pending, String type, String body) {
    return messages.head(key.conversationId())
        .switchIfEmpty(Mono.error(() -> Problems.notFound("No conversation " + key.conversationId() + ".")))
        .flatMap(head -> {
          Instant now = now();
          return dedup.takeOver(key, pending.claimedAt(), head, now).flatMap(won -> won
              ? append(key, new MessageDraft(key.conversationId(), pending.messageId(), key.clientMsgId(), key.senderId(),
                  type, body, now), head)
              : Mono.error(inProgress(key)));
        });
  }

  /** {@code headSeen}: the head read before the claim, which also showed the conversation exists. */
  private Mono<Outcome> append(Key key, MessageDraft draft, long headSeen) {
    // P5, the timing of a takeover. Past the lease (claimedAt + send-lease, by the retry's clock) a
    // retry may take the send over. An attempt started at t may run until t + the store's request
    // timeout, and the retry's clock may run up to clock-skew ahead of ours: the last attempt
    // starts a request timeout plus a clock skew before the lease ends, so every attempt is over,
    // by every clock, when a retry looks. An attempt Paxos accepted but did not commit may still be
    // completed later; the retry's LOCAL_SERIAL read of the head completes it first (SentMessageFinder).
    Instant notAfter = margin.lastStartBefore(draft.sentAt().plus(properties.sendLease()));
    return recent.touch(draft.conversationId(), draft.sentAt())
        .then(Mono.defer(() -> messages.append(draft, headSeen, notAfter)))
        .flatMap(message -> dedup.complete(key, message.seq(), message.sentAt())
            .thenReturn(Outcome.storedHere(SentMessage.of(message), true)));
  }

  /** Millisecond precision, as Cassandra stores it: the ACK and later reads agree. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static ErrorResponseException inProgress(Key key) {
    var problem = Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "send-in-progress",
        "A send with clientMsgId " + key.clientMsgId() + " is in progress; retry with the same clientMsgId.");
    var error = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, problem, null);
    error.getHeaders().set(HttpHeaders.RETRY_AFTER, Problems.RETRY_AFTER_SECONDS);
    return error;
  }
}
