package dev.chatsync.sync.stream;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.tracing.RecordTracing;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.sync.channel.ChannelFeed;
import dev.chatsync.sync.ack.DeviceCursors;
import dev.chatsync.sync.inbox.CursorExpiries;
import dev.chatsync.sync.inbox.SyncEntry;
import dev.chatsync.sync.inbox.SyncService;
import dev.chatsync.sync.presence.PresenceTracker;
import dev.chatsync.sync.signal.SignalEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The push side of delivery: a device's live view of its user's inbox, as server-sent events.
 *
 * <p>It reads the backlog once the user's wakeups are listening (nothing written after the read
 * is missed), and then, on each wakeup or heartbeat, reads the inbox after the last entry
 * it sent: a notification is only a hint, so a lost one delays an entry until the next heartbeat
 * and never loses it, and the same entry is never sent twice (P4). A reconnect with
 * {@code Last-Event-ID} goes on after that entry; a stream opened with neither it nor
 * {@code ?after=} starts after what the device acknowledged, not at the start of the inbox.
 */
@Service
public class StreamService {

  private static final Logger log = LoggerFactory.getLogger(StreamService.class);
  private static final long FAILURE_LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final AtomicLong failedReads = new AtomicLong();
  private final AtomicLong lastFailureLogged = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS);

  private final SyncService inbox;
  private final InboxWakeups wakeups;
  private final DeviceCursors cursors;
  private final StreamProperties properties;
  private final StreamDrain drain;
  private final RecordTracing tracing;
  private final PresenceTracker presence;
  private final ChannelFeed channels;

  private final AtomicInteger open = new AtomicInteger();
  private final Counter pushed;
  private final Counter expired;

  StreamService(SyncService inbox, InboxWakeups wakeups, DeviceCursors cursors, StreamProperties properties,
      StreamDrain drain, MeterRegistry meters, RecordTracing tracing, PresenceTracker presence, ChannelFeed channels) {
    this.presence = presence;
    this.channels = channels;
    this.tracing = tracing;
    this.inbox = inbox;
    this.wakeups = wakeups;
    this.cursors = cursors;
    this.properties = properties;
    this.drain = drain;
    Gauge.builder("chat.stream.open", open, AtomicInteger::get).description("Streams open on this instance").register(meters);
    this.pushed = Counter.builder("chat.stream.entries.pushed")
        .description("Inbox entries sent on streams (the backlog replayed on open included)").register(meters);
    this.expired = CursorExpiries.counter(meters, "stream");
  }

  private enum Reason { OPEN, NOTIFIED, HEARTBEAT }

  /**
   * Why the stream looks at the inbox; {@code head} is the inbox head a notification announced,
   * {@code trace} the trace the notification carried.
   */
  private record Wake(Reason reason, long head, Map<String, String> trace) {

    Wake(Reason reason) {
      this(reason, 0, Map.of());
    }
  }

  private static final ServerSentEvent<Object> HEARTBEAT = ServerSentEvent.builder().comment("heartbeat").build();
  /**
   * Sent first, once the wakeups are registered: it commits the response, so the client (and any
   * proxy) sees the stream open at once rather than at the first entry or heartbeat.
   */
  private static final ServerSentEvent<Object> OPENED = ServerSentEvent.builder().comment("open").build();

  public Flux<ServerSentEvent<Object>> stream(Caller caller, Long after) {
    if (after != null && after < 0) {
      return Flux.error(Problems.invalid("Last-Event-ID", "must be an inbox seq of at least 0"));
    }
    if (!drain.isRunning()) {
      // Shutting down: a stream opened now would end at once and come back here in a loop.
      return Flux.error(Problems.unavailable("this instance is shutting down; reconnect"));
    }
    Mono<Long> from = after != null ? Mono.just(after) : cursors.cursor(caller.userId(), caller.deviceId());
    return from.flatMapMany(start -> streamAfter(caller, start));
  }

  private Flux<ServerSentEvent<Object>> streamAfter(Caller caller, long from) {
    AtomicLong lastSent = new AtomicLong(from);
    // The backlog is read when the wakeups are listening, not before: nothing written after the
    // read can then go unnoticed.
    return wakeups.of(caller.userId()).publish(shared -> {
          // The entries decide when the stream ends (a cursor-expired event ends it); the signals end with them.
          Sinks.Empty<Void> entriesEnded = Sinks.empty();
          Flux<ServerSentEvent<Object>> entries = entries(caller, lastSent, shared.filter(wakeup -> !wakeup.passesThrough()))
              .doFinally(ended -> entriesEnded.tryEmitEmpty());
          // Signals and the live messages of read-fanout groups go straight out, beside the entries,
          // never behind a read of the inbox; a stream too slow to take them drops them: signals are
          // never data, and a dropped live message is in the history the group's next
          // channel-activity entry sends the device to.
          Flux<ServerSentEvent<Object>> signals = shared.filter(InboxWakeups.Wakeup::passesThrough)
              .map(wakeup -> wakeup.live() != null ? wakeup.live() : SignalEvents.of(wakeup.signal()))
              .onBackpressureDrop()
              .takeUntilOther(entriesEnded.asMono());
          return Flux.merge(entries, signals);
        })
        // Between events, never inside a page: the device's Last-Event-ID is the last entry it got.
        .takeUntilOther(drain.draining())
        // Presence: a user is online while one of their devices holds a stream.
        .doOnSubscribe(subscribed -> {
          open.incrementAndGet();
          presence.opened(caller.userId(), caller.deviceId());
          channels.opened(caller.userId());
        })
        .doFinally(ended -> {
          open.decrementAndGet();
          presence.closed(caller.userId(), caller.deviceId());
          channels.closed(caller.userId());
        });
  }

  /** The inbox entries: the backlog once listening, then what notifications and heartbeats find. */
  private Flux<ServerSentEvent<Object>> entries(Caller caller, AtomicLong lastSent, Flux<InboxWakeups.Wakeup> notified) {
    Flux<Wake> wakes = Flux.merge(
            notified.map(wakeup -> wakeup.equals(InboxWakeups.LISTENING)
                ? new Wake(Reason.OPEN) : new Wake(Reason.NOTIFIED, wakeup.head(), wakeup.trace())),
            Flux.interval(properties.heartbeat()).map(tick -> new Wake(Reason.HEARTBEAT)))
        .onBackpressureLatest();
    return wakes
        .concatMap(wake -> switch (wake.reason()) {
          case OPEN -> Mono.just(OPENED).concatWith(readAfter(caller.userId(), lastSent, null));
          // The notification says how far the inbox is written (stage 2 notifies after it writes),
          // so the stream needs no head read, and nothing at all if it sent that far already.
          case NOTIFIED -> wake.head() <= lastSent.get() ? Flux.empty() : push(caller.userId(), lastSent, wake);
          // A heartbeat also reads: it is the bound on how long a lost notification delays.
          case HEARTBEAT -> readAfter(caller.userId(), lastSent, null).concatWith(Mono.just(HEARTBEAT));
        }, 1)
        .onErrorResume(ErrorResponseException.class, gone -> {
          if (CursorExpiries.is(gone)) {
            expired.increment();
          }
          return Mono.just(ServerSentEvent.builder().event("cursor-expired").data((Object) gone.getBody()).build());
        });
  }

  /**
   * What a notification announced, read and sent in the trace the notification carried: the last
   * span of a message's trace is the push of its entry on each stream of each member.
   */
  private Flux<ServerSentEvent<Object>> push(String userId, AtomicLong lastSent, Wake wake) {
    return Flux.defer(() -> {
      Span span = tracing.start("stream push", wake.trace()).tag("userId", userId);
      long from = lastSent.get();
      return readAfter(userId, lastSent, wake.head())
          .doOnComplete(() -> {
            if (log.isDebugEnabled()) {
              try (Tracer.SpanInScope scope = tracing.inScope(span)) {
                log.atDebug().addKeyValue("userId", userId)
                    .log("pushed the inbox of {} after {} up to {} on a stream", userId, from, lastSent.get());
              }
            }
          })
          .doFinally(signal -> span.end());
    });
  }

  /**
   * Everything after the last sent entry, page by page; moves the last sent seq as it goes.
   *
   * @param knownHead an inbox head known to be written, or null to read it
   */
  private Flux<ServerSentEvent<Object>> readAfter(String userId, AtomicLong lastSent, Long knownHead) {
    return inbox.page(userId, lastSent.get(), properties.pageSize(), knownHead)
        .expand(page -> page.hasMore() ? inbox.page(userId, page.nextAfter(), properties.pageSize(), knownHead) : Mono.empty())
        .concatMapIterable(page -> page.entries())
        .filter(entry -> entry.seq() > lastSent.get())
        .doOnNext(entry -> {
          lastSent.set(entry.seq());
          pushed.increment();
          channels.saw(userId, entry);
        })
        .map(StreamService::event)
        .onErrorResume(failure -> !(failure instanceof ErrorResponseException), failure -> readFailed(userId, lastSent, failure));
  }

  /**
   * A read that failed (a store timeout, a node restarting) ends this read, not the stream: what
   * was sent stays sent, and the next notification or heartbeat reads again from the last entry
   * sent, so nothing is skipped (P1) or repeated (P4). Ending the stream instead would make every
   * device on the instance reconnect at once, into the store that is already slow.
   */
  private Flux<ServerSentEvent<Object>> readFailed(String userId, AtomicLong lastSent, Throwable failure) {
    long failures = failedReads.incrementAndGet();
    long now = System.nanoTime();
    long last = lastFailureLogged.get();
    // One line per interval for the whole instance: a store that is away fails every stream's reads.
    if (now - last >= FAILURE_LOG_INTERVAL_NANOS && lastFailureLogged.compareAndSet(last, now)) {
      log.atWarn().addKeyValue("userId", userId).log(failures + " stream inbox reads failed since the last such line (the latest"
          + " for " + userId + " after " + lastSent.get() + "); each stream reads again at its next notification or heartbeat: "
          + failure);
      failedReads.addAndGet(-failures);
    }
    return Flux.empty();
  }

  private static ServerSentEvent<Object> event(SyncEntry entry) {
    return ServerSentEvent.builder().id(Long.toString(entry.seq())).event(entry.kind()).data((Object) entry).build();
  }
}
