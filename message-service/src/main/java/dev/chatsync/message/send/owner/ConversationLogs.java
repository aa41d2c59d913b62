package dev.chatsync.message.send.owner;

import dev.chatsync.contracts.RecentActivity;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.send.RecentConversations;
import dev.chatsync.message.send.owner.ConversationLog.Waiting;
import dev.chatsync.message.send.owner.SlotLeases.Permit;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The conversations this instance owns, each a {@link ConversationLog}: loaded once per lease
 * epoch (head read, fence, tail scan), then appended to from memory, one batch at a time, with
 * plain writes only.
 */
public class ConversationLogs {

  private static final Logger log = LoggerFactory.getLogger(ConversationLogs.class);

  /**
   * The most sends one batch writes: also how far a stalled owner's unrecorded writes can reach
   * past the head it left, which the fence and the tail scan of a new owner cover.
   */
  static final int MAX_BATCH = 64;
  private static final Duration RETRY_DELAY = Duration.ofMillis(200);

  private final SlotLeases leases;
  private final OwnedTimeline timeline;
  private final MessageStore messages;
  private final RecentConversations recent;
  private final int capacity;
  private final Clock clock;
  private final LongSupplier nanos;
  private final Map<String, Mono<ConversationLog>> logs = new ConcurrentHashMap<>();

  public ConversationLogs(SlotLeases leases, OwnedTimeline timeline, MessageStore messages, RecentConversations recent,
      int capacity, Clock clock, LongSupplier nanos) {
    this.leases = leases;
    this.timeline = timeline;
    this.messages = messages;
    this.recent = recent;
    this.capacity = capacity;
    this.clock = clock;
    this.nanos = nanos;
  }

  /** The conversation's log under the slot's current lease, loaded if needed; 503 if this instance does not hold the slot. */
  Mono<ConversationLog> logOf(String conversationId) {
    return Mono.defer(() -> {
      if (logs.size() > capacity) {
        evictIdle();
      }
      Mono<ConversationLog> cached = logs.computeIfAbsent(conversationId, id -> load(id).cache());
      return cached.flatMap(found -> {
        if (isCurrent(found)) {
          return Mono.just(found);
        }
        logs.remove(conversationId, cached);
        return logOf(conversationId);
      }).doOnError(failure -> logs.remove(conversationId, cached));
    });
  }

  private boolean isCurrent(ConversationLog found) {
    synchronized (found) {
      if (found.retired()) {
        return false;
      }
    }
    return leases.currentEpoch(SendSlots.slotOf(found.conversationId)) == found.epoch;
  }

  /**
   * Reads the head, fences it against the slot's earlier owners, and records the sends of the
   * last batch below it, which an earlier owner may have stored without recording (P5).
   */
  private Mono<ConversationLog> load(String conversationId) {
    return Mono.usingWhen(Mono.defer(() -> Mono.justOrEmpty(leases.beginWrite(SendSlots.slotOf(conversationId))))
            .switchIfEmpty(Mono.error(() -> notHere(conversationId))),
        permit -> messages.head(conversationId)
            .switchIfEmpty(Mono.error(() -> Problems.notFound("No conversation " + conversationId + ".")))
            .flatMap(head -> timeline.fence(conversationId, head, MAX_BATCH, permit.timestamp())
                .then(messages.range(conversationId, Math.max(0, head - MAX_BATCH - 1), head + 1, MAX_BATCH + 1, true))
                .flatMap(tail -> Flux.fromIterable(tail).flatMap(message -> timeline.recordSend(message, permit.timestamp()))
                    .then(Mono.fromSupplier(() -> {
                      if (!leases.stillHeld(permit)) {
                        throw notHere(conversationId);
                      }
                      return new ConversationLog(conversationId, permit.lease().epoch(), head, tail, nanos.getAsLong());
                    })))),
        permit -> Mono.fromRunnable(() -> leases.endWrite(permit)));
  }

  /**
   * Queues the send into the conversation's next batch, whose result completes once it is stored
   * under the lease; or, when a send of the same key is stored or waiting already (a retry racing
   * its first attempt), that one's result instead.
   */
  Optional<CompletableFuture<Message>> submit(ConversationLog conversation, Waiting waiting) {
    boolean start;
    synchronized (conversation) {
      Optional<CompletableFuture<Message>> known = conversation.known(waiting.key());
      if (known.isPresent()) {
        return known;
      }
      if (conversation.retired()) {
        resend(waiting);
        return Optional.empty();
      }
      start = conversation.enqueue(waiting, nanos.getAsLong());
    }
    if (start) {
      writeNextBatch(conversation);
    }
    return Optional.empty();
  }

  private void writeNextBatch(ConversationLog conversation) {
    List<Waiting> batch;
    long firstSeq;
    synchronized (conversation) {
      batch = conversation.startBatch(MAX_BATCH);
      firstSeq = conversation.nextSeq();
    }
    if (batch.isEmpty()) {
      return;
    }
    Instant sentAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    List<Message> messages = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Waiting waiting = batch.get(i);
      messages.add(new Message(conversation.conversationId, firstSeq + i, waiting.messageId(), waiting.key().clientMsgId(),
          waiting.key().senderId(), waiting.type(), waiting.body(), sentAt));
    }
    writeBatch(conversation, batch, messages, 1);
  }

  /**
   * Writes the batch; a failure writes the same batch again (same seqs and message ids, a newer
   * timestamp) for as long as the lease holds, rather than give its seqs to other messages: a
   * write that timed out may have reached a replica, and a reader may have seen it there (P3, P4).
   * Its senders keep waiting meanwhile; a retry of theirs waits for the same result (P5).
   */
  private void writeBatch(ConversationLog conversation, List<Waiting> batch, List<Message> messages, int attempt) {
    Permit permit = leases.beginWrite(SendSlots.slotOf(conversation.conversationId)).orElse(null);
    if (permit == null || permit.lease().epoch() != conversation.epoch) {
      // The slot is no longer ours, or was lost and taken again: this log's head may be stale.
      if (permit != null) {
        leases.endWrite(permit);
      }
      retire(conversation, batch, null);
      return;
    }
    try {
      Instant sentAt = messages.get(0).sentAt();
      long minute = RecentActivity.minuteOf(sentAt);
      boolean touched;
      synchronized (conversation) {
        touched = conversation.touchedIn(minute);
      }
      // P1: the conversation is announced as recently active before anything of it is stored in this
      // minute, so the republisher looks at it even if this instance dies before the publish.
      Mono<Void> announce = touched ? Mono.empty() : recent.touch(conversation.conversationId, sentAt);
      announce.then(Mono.when(timeline.append(messages, permit.timestamp()),
              Flux.fromIterable(messages).flatMap(message -> timeline.recordSend(message, permit.timestamp()))))
          .doFinally(signal -> leases.endWrite(permit))
          .subscribe(null,
              failure -> writeAgain(conversation, batch, messages, attempt, failure),
              () -> stored(conversation, batch, messages, minute, permit));
    } catch (RuntimeException failure) {
      leases.endWrite(permit);
      retire(conversation, batch, failure);
    }
  }

  private void stored(ConversationLog conversation, List<Waiting> batch, List<Message> messages, long minute, Permit permit) {
    if (!leases.stillHeld(permit)) {
      retire(conversation, batch, null);
      return;
    }
    synchronized (conversation) {
      conversation.stored(messages, minute);
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result().complete(messages.get(i));
    }
    writeNextBatch(conversation);
  }

  private void writeAgain(ConversationLog conversation, List<Waiting> batch, List<Message> messages, int attempt,
      Throwable failure) {
    if (attempt == 1 || attempt % 10 == 0) {
      log.atWarn().addKeyValue("conversationId", conversation.conversationId).log("writing a batch of " + batch.size()
          + " sends into " + conversation.conversationId + " failed (attempt " + attempt + "); writing it again while the"
          + " lease holds: " + failure);
    }
    Mono.delay(RETRY_DELAY).subscribe(tick -> writeBatch(conversation, batch, messages, attempt + 1));
  }

  /**
   * The lease is gone (or ran out before the batch completed): whether the batch landed is
   * unknown, and the next owner settles it (it records the last batch below the head it reads).
   * Its sends fail (a retry with the same clientMsgId finds it if it landed, P5); those still
   * queued go through a fresh log, forwarded to the new owner.
   */
  private void retire(ConversationLog conversation, List<Waiting> batch, Throwable failure) {
    List<Waiting> rest;
    synchronized (conversation) {
      rest = conversation.retire(batch);
    }
    if (failure != null) {
      log.atWarn().addKeyValue("conversationId", conversation.conversationId)
          .log("a batch of " + batch.size() + " sends into " + conversation.conversationId + " failed: " + failure);
    }
    RuntimeException answer = Problems.unavailable("Storing the message into " + conversation.conversationId
        + " did not finish; retry with the same clientMsgId.");
    batch.forEach(waiting -> waiting.result().completeExceptionally(answer));
    rest.forEach(this::resend);
  }

  private void resend(Waiting waiting) {
    logOf(waiting.key().conversationId()).subscribe(
        fresh -> submit(fresh, waiting).ifPresent(known -> known.whenComplete((message, failure) -> {
          if (failure != null) {
            waiting.result().completeExceptionally(failure);
          } else {
            waiting.result().complete(message);
          }
        })),
        failure -> waiting.result().completeExceptionally(failure));
  }

  /** Keeps at most {@code capacity} logs: the longest unused idle ones go (a later send reloads them). */
  private void evictIdle() {
    int excess = logs.size() - capacity;
    List<ConversationLog> loaded = new ArrayList<>();
    logs.values().forEach(mono -> {
      ConversationLog found = loadedOrNull(mono);
      if (found != null) {
        loaded.add(found);
      }
    });
    loaded.sort(Comparator.comparingLong(ConversationLog::lastUsedNanos));
    int evicted = 0;
    for (ConversationLog candidate : loaded) {
      if (evicted > excess + capacity / 10) {
        break;
      }
      boolean idle;
      synchronized (candidate) {
        idle = candidate.retireIfIdle();
      }
      if (idle) {
        logs.computeIfPresent(candidate.conversationId, (id, mono) -> loadedOrNull(mono) == candidate ? null : mono);
        evicted++;
      }
    }
  }

  /** The log a cached load produced, or null while it loads or if it failed. */
  private static ConversationLog loadedOrNull(Mono<ConversationLog> load) {
    try {
      return load.toFuture().getNow(null);
    } catch (RuntimeException failed) {
      return null;
    }
  }

  static NotHere notHere(String conversationId) {
    return new NotHere(conversationId);
  }

  /** This instance does not hold the conversation's slot now: another one may (forward), or nobody yet (503, retry). */
  static final class NotHere extends ErrorResponseException {

    NotHere(String conversationId) {
      super(HttpStatus.SERVICE_UNAVAILABLE, Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
          "Conversation " + conversationId + " is moving between instances; retry with the same clientMsgId."), null);
      getHeaders().set(HttpHeaders.RETRY_AFTER, Problems.RETRY_AFTER_SECONDS);
    }
  }
}
