package dev.chatsync.sync.stream.kafka;

import dev.chatsync.contracts.KeyPartitions;
import dev.chatsync.contracts.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.springframework.kafka.core.ConsumerFactory;

/**
 * Reads the partitions of {@code chat.inbox-notify} that carry the notifications of users with a
 * stream on this instance, and no others. No consumer group: partitions are assigned by hand, each
 * from its end, the moment a stream needs one, and let go a while after the last such stream ends.
 * An instance's reading grows with the partitions of the users it holds, not with the system's
 * delivery rate; the gateway routes a user's stream to the instance chosen for the user's
 * partition, so that instances split the partitions between them.
 *
 * <p>Which instance holds a stream never decides whether an entry is delivered, only what its
 * notification costs: a hold completes once the partition's position is known, and the stream
 * reads its backlog only after that, so every notification from then on is read and every one
 * before it announced a write the backlog read sees (P1, with a push, not a heartbeat). One
 * thread owns the Kafka consumer, which is not thread-safe; streams ask it for partitions through
 * {@link #hold} and {@link #release}.
 */
final class NotifyPartitionFollower {

  private static final Log log = LogFactory.getLog(NotifyPartitionFollower.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
  private static final long METADATA_REFRESH_NANOS = Duration.ofMinutes(1).toNanos();
  private static final long FAILURE_BACKOFF_MILLIS = 1_000;

  /**
   * A partition wanted by {@code streams} streams (unwanted since {@code idleSince} once that is 0),
   * and whether its position is resolved for the consumer of the current run. Changed only inside
   * the map's lock for the partition.
   */
  private static final class Follow {
    CompletableFuture<Void> positioned = new CompletableFuture<>();
    int streams;
    long idleSince;
  }

  /** One start-to-stop: its own consumer and thread, so a thread that outlives its stop touches nothing of the next run. */
  private static final class Run {
    final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
    volatile boolean running = true;
    Thread thread;
    long metadataReadAt;

    Run(org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer) {
      this.consumer = consumer;
    }
  }

  private final ConcurrentHashMap<Integer, Follow> follows = new ConcurrentHashMap<>();
  private final Semaphore changed = new Semaphore(0);
  private final ConsumerFactory<String, byte[]> consumers;
  private final Consumer<ConsumerRecord<String, byte[]>> handler;
  private final long lingerNanos;
  private final Counter read;
  private final CompletableFuture<Void> partitionCountRead = new CompletableFuture<>();
  private volatile int partitionCount;
  private volatile List<Integer> assigned = List.of();
  private volatile Run run;

  NotifyPartitionFollower(ConsumerFactory<String, byte[]> consumers, Consumer<ConsumerRecord<String, byte[]>> handler,
      Duration linger, MeterRegistry meters) {
    this.consumers = consumers;
    this.handler = handler;
    this.lingerNanos = linger.toNanos();
    this.read = Counter.builder("chat.stream.notifications.read")
        .description("Inbox notifications this instance read from the partitions it follows")
        .register(meters);
    Gauge.builder("chat.stream.notify.partitions", this, follower -> follower.assigned.size())
        .description("Partitions of chat.inbox-notify this instance follows for its streams")
        .register(meters);
  }

  /** The user's partition; only once {@link #partitionCountRead} completed. */
  int partitionOf(String userId) {
    return KeyPartitions.of(userId, partitionCount);
  }

  boolean knowsPartitions() {
    return partitionCount > 0;
  }

  /** Completes once the partition count is known; shared, so a wait for it must not cancel it. */
  CompletableFuture<Void> partitionCountRead() {
    return partitionCountRead;
  }

  int partitionCount() {
    return partitionCount;
  }

  /** The partitions followed now, in order. */
  List<Integer> followed() {
    return assigned;
  }

  /** Whether the thread that reads the notifications runs (it is not expected ever to end on its own). */
  boolean reading() {
    Run current = run;
    return current != null && current.thread.isAlive();
  }

  /**
   * One more stream wants the partition; completes once every notification of the partition from
   * now on will be read. The future is shared: cancelling a wait must not cancel it.
   */
  CompletableFuture<Void> hold(int partition) {
    boolean[] added = {false};
    List<CompletableFuture<Void>> positioned = new ArrayList<>(1);
    follows.compute(partition, (key, held) -> {
      Follow wanted = held == null ? new Follow() : held;
      added[0] = held == null;
      wanted.streams++;
      positioned.add(wanted.positioned);
      return wanted;
    });
    if (added[0]) {
      changed.release();
      wakeUp(); // out of its poll, to assign the partition now rather than after it
    }
    return positioned.get(0);
  }

  void release(int partition) {
    follows.computeIfPresent(partition, (key, follow) -> {
      if (--follow.streams == 0) {
        follow.idleSince = System.nanoTime();
      }
      return follow;
    });
  }

  /**
   * Starts a run with a consumer of its own. Stopped and started again as a whole (Spring pauses an
   * unused test context this way): the partitions still held are positioned afresh, and a stream
   * opening meanwhile waits for that, not for the previous run's position.
   */
  void start() {
    follows.replaceAll((partition, follow) -> {
      // A stream still waiting keeps its future: the new run completes it.
      if (follow.positioned.isDone()) {
        follow.positioned = new CompletableFuture<>();
      }
      return follow;
    });
    Properties properties = new Properties();
    // No group: nothing is committed, and a partition is read from its end when a stream needs it.
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    Run started = new Run(consumers.createConsumer(null, "sync-notify", null, properties));
    started.thread = new Thread(() -> run(started), "sync-notify-follower");
    started.thread.setDaemon(true);
    run = started;
    started.thread.start();
  }

  void stop() throws InterruptedException {
    Run stopping = run;
    stopping.running = false;
    stopping.consumer.wakeup();
    changed.release();
    stopping.thread.join(10_000);
  }

  private void wakeUp() {
    Run current = run;
    if (current != null) {
      current.consumer.wakeup();
    }
  }

  private void run(Run current) {
    try {
      while (current.running) {
        try {
          step(current);
        } catch (WakeupException wakeup) {
          // A stream asked for a partition (or the instance is stopping): look at the follows again.
        } catch (InterruptException interrupted) {
          return;
        } catch (RuntimeException failure) {
          // The broker away or slow: the thread goes on (if it ended, every stream here would push
          // only at its heartbeats from then on), and the streams push at their heartbeats meanwhile.
          log.warn("inbox notifications: " + failure + "; trying again in " + FAILURE_BACKOFF_MILLIS + " ms");
          changed.tryAcquire(FAILURE_BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    } finally {
      current.consumer.close(Duration.ofSeconds(5));
      if (run == current) {
        assigned = List.of();
      }
    }
  }

  private void step(Run current) throws InterruptedException {
    changed.drainPermits();
    var consumer = current.consumer;
    readPartitionCount(current);
    Set<TopicPartition> wanted = wantedPartitions();
    if (!wanted.equals(consumer.assignment())) {
      Set<TopicPartition> added = new HashSet<>(wanted);
      added.removeAll(consumer.assignment());
      consumer.assign(wanted);
      // Only the new ones: an empty collection would move every assigned partition to its end and
      // skip what the others have not read yet.
      if (!added.isEmpty()) {
        consumer.seekToEnd(added);
      }
      if (run == current) {
        assigned = wanted.stream().map(TopicPartition::partition).sorted().toList();
      }
    }
    for (TopicPartition partition : wanted) {
      List<CompletableFuture<Void>> waiting = new ArrayList<>(1);
      follows.computeIfPresent(partition.partition(), (key, follow) -> {
        waiting.add(follow.positioned);
        return follow;
      });
      CompletableFuture<Void> positioned = waiting.isEmpty() ? null : waiting.get(0);
      if (positioned != null && !positioned.isDone()) {
        try {
          // Resolves the end offset now: a notification sent after this is read, whenever it comes.
          consumer.position(partition, POSITION_TIMEOUT);
          positioned.complete(null);
        } catch (TimeoutException leaderAway) {
          // This partition's streams wait (and open at their follow timeout); the others are polled
          // first, and the rest of the positions are tried at the next step.
          log.warn("inbox notifications: no position for " + partition + " yet: " + leaderAway);
          break;
        }
      }
    }
    if (wanted.isEmpty()) {
      changed.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    var records = consumer.poll(POLL);
    read.increment(records.count());
    for (ConsumerRecord<String, byte[]> record : records) {
      try {
        handler.accept(record);
      } catch (RuntimeException failure) {
        // A poison notification whose dead letter could not be sent: the rest of the poll still
        // wakes its streams; this one's stream reads at its next heartbeat.
        log.warn("inbox notification " + record.topic() + "/" + record.partition() + "/" + record.offset()
            + " not handled: " + failure);
      }
    }
  }

  /** Drops the partitions unwanted for longer than the linger; a stream back within it finds its partition followed. */
  private Set<TopicPartition> wantedPartitions() {
    long now = System.nanoTime();
    Set<TopicPartition> wanted = new HashSet<>();
    for (Integer partition : List.copyOf(follows.keySet())) {
      Follow kept = follows.computeIfPresent(partition,
          (key, follow) -> follow.streams == 0 && now - follow.idleSince >= lingerNanos ? null : follow);
      if (kept != null) {
        wanted.add(new TopicPartition(Topics.INBOX_NOTIFY, partition));
      }
    }
    return wanted;
  }

  /**
   * The count the gateway and the producers hash user ids with. It is read again now and then,
   * but deploy/setup never changes it (more partitions would move users and break P3's order);
   * if an operator does, streams opened before push only at their heartbeats until they reconnect.
   */
  private void readPartitionCount(Run current) {
    long now = System.nanoTime();
    if (partitionCount > 0 && now - current.metadataReadAt < METADATA_REFRESH_NANOS) {
      return;
    }
    List<PartitionInfo> partitions = current.consumer.partitionsFor(Topics.INBOX_NOTIFY, METADATA_TIMEOUT);
    current.metadataReadAt = now;
    if (partitions == null || partitions.isEmpty()) {
      throw new KafkaException(Topics.INBOX_NOTIFY + " has no partitions yet (is the topic created?)");
    }
    if (partitionCount > 0 && partitions.size() != partitionCount) {
      log.warn(Topics.INBOX_NOTIFY + " went from " + partitionCount + " to " + partitions.size() + " partitions: streams "
          + "opened before now push only at their heartbeats until they reconnect");
    }
    partitionCount = partitions.size();
    partitionCountRead.complete(null);
  }
}
