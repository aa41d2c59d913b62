package dev.chatsync.message.send;

import dev.chatsync.contracts.Ids;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.WriteMargin;
import dev.chatsync.message.send.SendDedup.Completed;
import dev.chatsync.message.send.SendDedup.Key;
import dev.chatsync.message.send.SendDedup.Owned;
import dev.chatsync.message.send.SendDedup.Pending;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageDraft;
import dev.chatsync.message.timeline.MessageStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

/**
 * The send path: validate, check membership, claim the clientMsgId, append to the storage
 * timeline, publish to the fanout, answer the sender. The answer comes only after the append, so
 * a 201 means the message is durably stored; from then on it reaches every member even if the
 * publish fails or this instance dies (P1: the conversation was marked recent before the append,
 * and the fanout's republisher finds what was never fanned out).
 */
@Service
public class SendService {

  private static final Log log = LogFactory.getLog(SendService.class);
  private static final Pattern MESSAGE_TYPE = Pattern.compile("[a-z][a-z0-9._-]{0,31}");

  /** A send's answer: {@code created} is false for a retry of an earlier send (HTTP 200, not 201). */
  public record Outcome(SentMessage message, boolean created) {}

  private final Membership membership;
  private final MessageStore messages;
  private final SendDedup dedup;
  private final RecentConversations recent;
  private final MessagePublisher publisher;
  private final SentMessageFinder finder;
  private final MessageProperties properties;
  private final WriteMargin margin;
  private final Clock clock = Clock.systemUTC();

  SendService(Membership membership, MessageStore messages, SendDedup dedup, RecentConversations recent,
      MessagePublisher publisher, MessageProperties properties, WriteMargin margin) {
    margin.requireRoomIn(properties.sendLease(), "chat.messages.send-lease");
    this.membership = membership;
    this.messages = messages;
    this.dedup = dedup;
    this.recent = recent;
    this.publisher = publisher;
    this.finder = new SentMessageFinder(messages);
    this.properties = properties;
    this.margin = margin;
  }

  public Mono<Outcome> send(Caller caller, String conversationId, SendMessageRequest request) {
    ErrorResponseException invalid = validate(request);
    if (invalid != null) {
      return Mono.error(invalid);
    }
    Key key = new Key(conversationId, caller.userId(), request.clientMsgId());
    String type = request.type() == null ? "text" : request.type();
    return membership.require(conversationId, caller.userId())
        .then(Mono.defer(() -> messages.head(conversationId)))
        .switchIfEmpty(Mono.error(() -> Problems.notFound("No conversation " + conversationId + ".")))
        .flatMap(head -> {
          Instant now = now();
          String messageId = UUID.randomUUID().toString();
          return dedup.claim(key, messageId, head, now).flatMap(claim -> {
            if (claim instanceof Owned owned) {
              return append(key, new MessageDraft(conversationId, messageId, request.clientMsgId(), caller.userId(), type,
                  request.body(), owned.claimedAt()), head);
            }
            if (claim instanceof Completed done) {
              return Mono.just(new Outcome(new SentMessage(conversationId, done.seq(), done.messageId(), caller.userId(),
                  done.sentAt()), false));
            }
            return resolve(key, (Pending) claim, type, request.body());
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
            .thenReturn(new Outcome(SentMessage.of(found), false)))
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
        .flatMap(message -> dedup.complete(key, message.seq(), message.sentAt()).then(publish(message))
            .thenReturn(new Outcome(SentMessage.of(message), true)));
  }

  /** A failed publish is not the sender's problem: the message is stored and will be republished. */
  private Mono<Void> publish(Message message) {
    return publisher.publish(new MessageAppended(message.conversationId(), message.seq(), message.messageId(),
            message.senderId(), message.sentAt().toEpochMilli()))
        .onErrorResume(failure -> {
          log.warn("publishing " + message.conversationId() + "/" + message.seq() + " failed; the republisher will: " + failure);
          return Mono.empty();
        });
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

  /** The error for the first invalid field, or null when the request is valid. */
  private ErrorResponseException validate(SendMessageRequest request) {
    if (request == null) {
      return Problems.invalid("body", "is required");
    }
    String idProblem = Ids.problemWith(request.clientMsgId());
    if (idProblem != null) {
      return Problems.invalid("clientMsgId", idProblem);
    }
    if (request.type() != null && !MESSAGE_TYPE.matcher(request.type()).matches()) {
      return Problems.invalid("type", "must be 1-32 characters of [a-z0-9._-], starting with a letter");
    }
    if (request.body() == null || request.body().isEmpty()) {
      return Problems.invalid("body", "must not be empty");
    }
    int bytes = request.body().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > properties.maxBodyBytes()) {
      return Problems.tooLarge("body", "must be at most " + properties.maxBodyBytes() + " bytes of UTF-8, was " + bytes);
    }
    return null;
  }
}
