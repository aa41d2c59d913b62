package dev.chatsync.message.send.kafka;

import dev.chatsync.message.send.FanoutDelay;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * The fanout's delay from its consumer groups' offsets, sampled a few times a second. Each sample
 * notes every partition's end offset and when it was seen, so the records after a group's
 * committed offset are known to have been produced after the first sample whose end passed it:
 * that sample's age is the delay (a lower bound, off by at most one sampling interval). Per stage,
 * the median of the busy partitions' (see {@link PartitionDelay}): overload puts every busy
 * partition behind, while one partition stuck on a stalled consumer (until its session times
 * out) must not turn away every send. The stages add up, as a message waits in both.
 *
 * <p>Counted as no delay: a group with no members (see {@link FanoutDelay}); a broker that does not
 * answer (the send path has its own answer to that); and records older than the first sample, as a
 * replay's are or an outage's leftovers: they are not the load this instance takes now, and
 * refusing sends would not deliver them sooner. A stage's samples start again when it comes back
 * with members and when its committed offset goes back (a reset). Not told apart: the records a
 * replay of stage 1 writes into stage 2's topic, which count as stage 2's load.
 */
@Component
class KafkaFanoutDelay implements FanoutDelay, SmartLifecycle {

  private static final Log log = LogFactory.getLog(KafkaFanoutDelay.class);
  /** The fanout's stages, in the order a message passes them (fanout-service's listener ids). */
  static final List<String> STAGES = List.of("fanout-expand", "fanout-inbox");
  private static final Duration INTERVAL = Duration.ofMillis(200);
  /** How far back the samples go: far beyond any delay admission lets build up. */
  private static final Duration HISTORY = Duration.ofMinutes(5);

  private final KafkaAdmin kafka;
  /** Touched by the sampler thread only. */
  private final Map<TopicPartition, PartitionDelay> ends = new HashMap<>();
  private final Map<TopicPartition, String> stageOf = new HashMap<>();
  private final Set<String> stagesRunning = new HashSet<>();
  private volatile Duration current = Duration.ZERO;
  private volatile long sampledAtMillis;
  private volatile boolean unavailableLogged;
  private ScheduledExecutorService sampler;
  private Admin admin;

  KafkaFanoutDelay(KafkaAdmin kafka, MeterRegistry meters) {
    this.kafka = kafka;
    // When the delay was last read: a value that stops moving means the reading is stale.
    Gauge.builder("chat.fanout.delay.sampled", () -> sampledAtMillis / 1e3).baseUnit("seconds")
        .description("when the fanout's delay was last read from its offsets (epoch seconds)").register(meters);
  }

  @Override
  public Duration current() {
    return current;
  }

  @Override
  public synchronized void start() {
    Map<String, Object> config = new HashMap<>(kafka.getConfigurationProperties());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    admin = Admin.create(config);
    sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "fanout-delay");
      thread.setDaemon(true);
      return thread;
    });
    sampler.scheduleWithFixedDelay(this::sample, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (sampler != null) {
      sampler.shutdownNow();
      try {
        // A sample in progress ends before the admin client closes and before a restart samples again.
        sampler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      admin.close(Duration.ofSeconds(2));
      sampler = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return sampler != null;
  }

  private void sample() {
    try {
      long now = System.nanoTime();
      long total = 0;
      for (String stage : STAGES) {
        boolean running = hasMembers(stage);
        if (running && !stagesRunning.contains(stage)) {
          // Back from an outage (or a stop for a replay): what waits is older than this instance
          // can tell, and it is not the load of now.
          ends.forEach((partition, delay) -> {
            if (stageOf.get(partition) != null && stageOf.get(partition).equals(stage)) {
              delay.forget();
            }
          });
        }
        if (running) {
          stagesRunning.add(stage);
          total += stageDelay(stage, now);
        } else {
          stagesRunning.remove(stage);
        }
      }
      current = Duration.ofNanos(total);
      sampledAtMillis = System.currentTimeMillis();
      unavailableLogged = false;
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    } catch (Exception unavailable) {
      current = Duration.ZERO;
      if (!unavailableLogged) {
        unavailableLogged = true;
        log.warn("cannot read the fanout's offsets; sends are not refused for its delay until it can: " + unavailable);
      }
    }
  }

  private boolean hasMembers(String stage) throws Exception {
    try {
      return !admin.describeConsumerGroups(List.of(stage)).describedGroups().get(stage).get(2, TimeUnit.SECONDS)
          .members().isEmpty();
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof GroupIdNotFoundException) {
        return false;
      }
      throw failed;
    }
  }

  /** The median busy partition's delay of the stage (its consumer group). */
  private long stageDelay(String stage, long now) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(stage).partitionsToOffsetAndMetadata().get(2, TimeUnit.SECONDS);
    Map<TopicPartition, Long> endOffsets = endOffsets(committed);
    List<Long> delays = new ArrayList<>();
    for (var partition : committed.entrySet()) {
      Long end = endOffsets.get(partition.getKey());
      if (end != null) {
        long done = partition.getValue() == null ? 0 : partition.getValue().offset();
        PartitionDelay delay = ends.computeIfAbsent(partition.getKey(), key -> new PartitionDelay(HISTORY));
        stageOf.putIfAbsent(partition.getKey(), stage);
        delay.sample(end, done, now);
        if (delay.busy(done, now)) {
          delays.add(delay.of(done, now));
        }
      }
    }
    return PartitionDelay.median(delays);
  }

  private Map<TopicPartition, Long> endOffsets(Map<TopicPartition, OffsetAndMetadata> committed) throws Exception {
    if (committed.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
        .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get(2, TimeUnit.SECONDS).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
  }
}
