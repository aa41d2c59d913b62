package dev.chatsync.sync.stream.kafka;

import dev.chatsync.contracts.Topics;
import dev.chatsync.sync.signal.TypingGate;
import dev.chatsync.contracts.kafka.DeadLetters;
import dev.chatsync.contracts.tracing.RecordTracing;
import dev.chatsync.sync.stream.InboxWakeups;
import dev.chatsync.sync.stream.StreamProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Wakes the streams this instance holds when their user's inbox moves, from the notifications of
 * the partitions {@link NotifyPartitionFollower} follows for them.
 *
 * <p>It is a health indicator too: the instance is not ready for streams until it knows how many
 * partitions the notification topic has (it cannot tell a stream's partition before). Its info
 * ({@code notify.partitions}) gives that count to the gateway, which routes streams by it.
 */
@Component("streamWakeups")
class KafkaInboxWakeups implements InboxWakeups, SmartLifecycle, HealthIndicator, InfoContributor {

  private static final int NONE = -1;
  private static final int RELEASED = -2;

  private final Map<String, Held> byUser = new ConcurrentHashMap<>();
  private final DeadLetters deadLetters;
  private final StreamProperties properties;
  private final NotifyPartitionFollower follower;
  private final RecordTracing tracing;
  /** The users with streams here are at most the instance's streams: one entry per typer of each is plenty. */
  private final TypingGate typing = new TypingGate(100_000);
  private final Clock clock = Clock.systemUTC();

  KafkaInboxWakeups(DeadLetters deadLetters, StreamProperties properties, ConsumerFactory<String, byte[]> consumers,
      MeterRegistry meters, RecordTracing tracing) {
    this.tracing = tracing;
    this.deadLetters = deadLetters;
    this.properties = properties;
    this.follower = new NotifyPartitionFollower(consumers, this::notified, properties.notifyLinger(), meters);
  }

  /** The number of users with a stream here. */
  int users() {
    return byUser.size();
  }

  /** A user's sink and how many streams hold it, both changed only inside the map's lock for the user. */
  private static final class Held {
    final Sinks.Many<Wakeup> sink = Sinks.many().multicast().directBestEffort();
    int holders;

    /**
     * One emission at a time: the notification reader and the live feed of read-fanout groups emit
     * from threads of their own, and a sink refuses (drops) an emission that overlaps another.
     */
    synchronized void emit(Wakeup wakeup) {
      sink.tryEmitNext(wakeup);
    }
  }

  /**
   * A stream takes the user's sink when it subscribes and gives it back when it ends; the sink
   * goes when its last holder does. Counting holders, not the sink's subscribers, keeps a sink
   * that a second stream has taken but not yet subscribed to from being dropped by the first
   * stream's end (its pushes would then wait for heartbeats).
   *
   * <p>{@link #LISTENING} comes once the user's partition is followed. Heads before it are dropped:
   * they were read before it, so they announced writes that happened before the stream's backlog
   * read, which comes after it. If the partition cannot be followed in time (the broker away),
   * {@link #LISTENING} comes anyway: the stream's pushes wait for its heartbeats until the
   * partition is followed, and none is lost.
   */
  @Override
  public Flux<Wakeup> of(String userId) {
    return Flux.defer(() -> {
      Held taken = byUser.compute(userId, (id, wakeup) -> {
        Held held = wakeup == null ? new Held() : wakeup;
        held.holders++;
        return held;
      });
      // The partition this stream holds: NONE until it is known, RELEASED once the stream ended.
      AtomicInteger held = new AtomicInteger(NONE);
      // Not tied to the stream's subscription: a stream that stops waiting (the timeout) still
      // has its partition followed once the broker answers, and pushes from then on.
      CompletableFuture<Void> following = follower.partitionCountRead().thenCompose(known -> {
        if (held.get() == RELEASED) {
          return CompletableFuture.completedFuture(null); // ended while the count was unknown: hold nothing
        }
        int partition = follower.partitionOf(userId);
        CompletableFuture<Void> positioned = follower.hold(partition);
        if (!held.compareAndSet(NONE, partition)) {
          follower.release(partition); // the stream ended meanwhile
        }
        return positioned;
      });
      Mono<Void> followed = Mono.fromFuture(following, true).timeout(properties.notifyFollowTimeout(), Mono.empty());
      AtomicBoolean listening = new AtomicBoolean();
      // merge subscribes in order: the sink is listened to before the partition can be followed.
      return Flux.merge(
              taken.sink.asFlux().filter(head -> listening.get()),
              followed.then(Mono.fromCallable(() -> {
                listening.set(true);
                return LISTENING;
              })))
          .doFinally(signal -> {
            int partition = held.getAndSet(RELEASED);
            if (partition >= 0) {
              follower.release(partition);
            }
            byUser.computeIfPresent(userId, (id, wakeup) -> --wakeup.holders == 0 ? null : wakeup);
          });
    });
  }

  void notified(ConsumerRecord<String, byte[]> record) {
    deadLetters.decode(Topics.INBOX_NOTIFIED, record).ifPresent(note -> {
      Held wakeup = byUser.get(note.userId());
      if (wakeup == null) {
        return;
      }
      if (note.signal() == null) {
        wakeup.emit(new Wakeup(note.headSeq(), tracing.carried(record.headers())));
      } else if (typing.letsThrough(note.userId(), note.signal(), clock.millis())) {
        wakeup.emit(new Wakeup(0, Map.of(), note.signal(), null));
      }
    });
  }

  @Override
  public boolean sendLive(String userId, ServerSentEvent<Object> event) {
    Held held = byUser.get(userId);
    if (held == null) {
      return false;
    }
    held.emit(new Wakeup(0, Map.of(), null, event));
    return true;
  }

  @Override
  public Health health() {
    if (running && !follower.reading()) {
      return Health.down().withDetail("reason", "the inbox notification reader stopped").build();
    }
    return follower.knowsPartitions()
        ? Health.up().withDetail("users", byUser.size()).withDetail("partitions", follower.followed().size()).build()
        : Health.outOfService().withDetail("reason", "waiting for the inbox notification topic's metadata").build();
  }

  @Override
  public void contribute(Info.Builder builder) {
    // Without a reader the instance would push only at heartbeats: the gateway routes streams only
    // to instances whose info gives the count.
    if (follower.knowsPartitions() && follower.reading()) {
      builder.withDetail("notify", Map.of("partitions", follower.partitionCount(), "followed", follower.followed()));
    }
  }

  private volatile boolean running;

  @Override
  public void start() {
    follower.start();
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    try {
      follower.stop();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
