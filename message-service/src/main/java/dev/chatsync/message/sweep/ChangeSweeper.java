package dev.chatsync.message.sweep;

import dev.chatsync.message.MessageProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * docs/design.md, the faults: a membership or read change whose request died half-way, and that the client never
 * retries, is finished here. Every change was noted in {@link RecentChanges} before its first
 * write; once its grace has passed, this sweep asks the change's {@link ChangeFinisher} to finish
 * what the member row's markers say is left: settle the join point, write the conversation list,
 * announce the membership entry or ReadMoved (P1, P6).
 *
 * <p>Each instance sweeps every shard, independently of the others: finishing is idempotent and
 * stage 2 keeps one entry per membership version and read position (P2). Per minute an instance
 * remembers how far it has swept (every change noted up to then was finished, or failed) and the
 * changes that failed, nothing else: a failed change is tried again by every sweep, from memory,
 * until it is finished or its minute leaves the look-back; a minute is read again only while changes
 * noted in it may still be in their grace. After a restart the whole look-back is read once.
 *
 * <p>One change never stops the others: one that fails (or whose finisher throws) is logged and
 * tried again; one of a kind this instance has no finisher for is logged, counted and skipped.
 */
@Component
class ChangeSweeper {

  private static final Log log = LogFactory.getLog(ChangeSweeper.class);
  /** Changes finished at once (P7: the work of a sweep is bounded in flight, whatever it finds). */
  private static final int CONCURRENCY = 8;
  /**
   * The most failed changes remembered (P7). Past it a failure is not remembered, and its minute's
   * sweep does not count as done: the minute is read and finished again by the next sweep.
   */
  static final int MAX_REMEMBERED = 10_000;

  private final RecentChanges changes;
  private final Map<ChangeKind, ChangeFinisher> finishers = new EnumMap<>(ChangeKind.class);
  private final Duration grace;
  private final Duration lookback;
  private final Counter withoutFinisher;
  private final Clock clock = Clock.systemUTC();

  /** Minutes whose every change was finished after their grace ended: not read again. */
  private final Set<Long> settledMinutes = ConcurrentHashMap.newKeySet();
  private final Map<Long, Swept> minutes = new ConcurrentHashMap<>();
  private final AtomicInteger remembered = new AtomicInteger();

  /** How far a minute was swept, and what of it failed. */
  private static final class Swept {
    /** Every change noted at or before this was finished, or is in {@link #failed}. */
    volatile Instant upTo = Instant.MIN;
    final Set<NotedChange> failed = ConcurrentHashMap.newKeySet();
  }

  ChangeSweeper(RecentChanges changes, List<ChangeFinisher> finishers, MessageProperties properties, MeterRegistry meters) {
    this.grace = properties.sweepGrace();
    this.lookback = properties.sweepLookback();
    Duration kept = Duration.ofSeconds(RecentChanges.TTL_SECONDS);
    if (lookback.compareTo(grace) <= 0) {
      throw new IllegalStateException("chat.messages.sweep-lookback (" + lookback + ") must be longer than "
          + "chat.messages.sweep-grace (" + grace + "): a change is swept only after its grace, and only within the look-back");
    }
    if (lookback.compareTo(kept) > 0) {
      throw new IllegalStateException("chat.messages.sweep-lookback (" + lookback + ") must be at most " + kept
          + ", how long recent_changes keeps a noted change");
    }
    this.changes = changes;
    finishers.forEach(finisher -> this.finishers.put(finisher.kind(), finisher));
    this.withoutFinisher = Counter.builder(RecentChanges.SKIPPED_METRIC).tag("reason", "no-finisher")
        .description("Noted changes the sweeper skipped: this version cannot finish them").register(meters);
  }

  @Scheduled(fixedDelayString = "${chat.messages.sweep-interval:5s}", initialDelayString = "${chat.messages.sweep-interval:5s}")
  void sweep() {
    try {
      sweep(clock.instant()).block();
    } catch (RuntimeException failed) {
      log.warn("sweeping unfinished changes failed; the next sweep tries again: " + failed);
    }
  }

  /** One sweep: the minutes of the look-back that hold changes past their grace. */
  Mono<Void> sweep(Instant now) {
    long oldest = RecentChanges.minuteOf(now.minus(lookback));
    long newest = RecentChanges.minuteOf(now.minus(grace));
    settledMinutes.removeIf(minute -> minute < oldest);
    minutes.keySet().stream().filter(minute -> minute < oldest).toList().forEach(this::giveUp);
    // A minute that cannot be read (the store is down) does not stop the others; one line for all.
    AtomicReference<Throwable> unread = new AtomicReference<>();
    AtomicInteger unreadMinutes = new AtomicInteger();
    return Flux.range(0, (int) (newest - oldest + 1))
        .map(offset -> oldest + offset)
        .filter(minute -> !settledMinutes.contains(minute))
        .concatMap(minute -> sweepMinute(minute, now).onErrorResume(failed -> {
          unread.compareAndSet(null, failed);
          unreadMinutes.incrementAndGet();
          return Mono.empty();
        }))
        .then(Mono.fromRunnable(() -> {
          if (unread.get() != null) {
            log.warn(unreadMinutes.get() + " minutes of noted changes could not be read; the next sweep tries again: "
                + unread.get());
          }
        }));
  }

  /** The number of failed changes this instance remembers, to try again. */
  int remembered() {
    return remembered.get();
  }

  private Mono<Void> sweepMinute(long minute, Instant now) {
    Instant dueBefore = now.minus(grace);
    Instant minuteEnd = Instant.ofEpochSecond((minute + 1) * 60);
    Swept swept = minutes.computeIfAbsent(minute, key -> new Swept());
    Instant sweptUpTo = swept.upTo;
    AtomicInteger forgotten = new AtomicInteger();
    Flux<NotedChange> retried = Flux.fromIterable(List.copyOf(swept.failed));
    // Read again only while some of the minute's changes were not yet due at the last sweep.
    Flux<NotedChange> fresh = sweptUpTo.isBefore(minuteEnd)
        ? Flux.range(0, RecentChanges.SHARDS)
            .concatMap(shard -> changes.in(minute, shard))
            .filter(change -> change.notedAt().isAfter(sweptUpTo) && !change.notedAt().isAfter(dueBefore)
                && !swept.failed.contains(change))
        : Flux.empty();
    return Flux.concat(retried, fresh)
        .flatMap(change -> finish(change, swept, forgotten), CONCURRENCY)
        .then(Mono.fromRunnable(() -> {
          if (forgotten.get() == 0 && dueBefore.isAfter(sweptUpTo)) {
            swept.upTo = dueBefore;
          }
          if (!swept.upTo.isBefore(minuteEnd) && swept.failed.isEmpty()) {
            minutes.remove(minute);
            settledMinutes.add(minute);
          }
        }));
  }

  /** Finishes one change; a failure is remembered (or, past the cap, counted in {@code forgotten}), never an error. */
  private Mono<Void> finish(NotedChange change, Swept swept, AtomicInteger forgotten) {
    ChangeFinisher finisher = finishers.get(change.kind());
    if (finisher == null) {
      withoutFinisher.increment();
      log.warn("skipping " + change + ": this instance has no finisher for its kind");
      return Mono.empty();
    }
    return Mono.defer(() -> finisher.finish(change.conversationId(), change.subject()))
        .then(Mono.fromRunnable(() -> {
          if (swept.failed.remove(change)) {
            remembered.decrementAndGet();
          }
        }))
        .onErrorResume(failed -> {
          log.warn("finishing " + change + " failed; the next sweep tries again: " + failed);
          if (remembered.get() < MAX_REMEMBERED) {
            if (swept.failed.add(change)) {
              remembered.incrementAndGet();
            }
          } else if (!swept.failed.contains(change)) {
            forgotten.incrementAndGet();
          }
          return Mono.empty();
        }).then();
  }

  /** A minute left the look-back with changes that never finished: said once, then forgotten. */
  private void giveUp(long minute) {
    Swept swept = minutes.remove(minute);
    if (swept != null && !swept.failed.isEmpty()) {
      remembered.addAndGet(-swept.failed.size());
      log.warn("giving up on " + swept.failed.size() + " changes noted in minute " + minute
          + ", now older than chat.messages.sweep-lookback (" + lookback + "), e.g. " + swept.failed.iterator().next());
    }
  }
}
