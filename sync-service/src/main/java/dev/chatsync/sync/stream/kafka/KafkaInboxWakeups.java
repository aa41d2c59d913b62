package dev.chatsync.sync.stream.kafka;

import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.DeadLetters;
import dev.chatsync.sync.stream.InboxWakeups;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Every sync-service instance reads every notification (a consumer group of its own, from the
 * newest offset) and wakes the streams it holds for that user; it drops the rest. See the README
 * for where this stops scaling.
 *
 * <p>It is a health indicator too: the instance is not ready for streams until its consumer has
 * its partitions and their positions. Before that, a notification would be missed (the group starts
 * at the newest offset) and a push would wait for the next heartbeat.
 */
@Component("streamWakeups")
class KafkaInboxWakeups implements InboxWakeups, ConsumerSeekAware, HealthIndicator {

  private final Map<String, Wakeup> byUser = new ConcurrentHashMap<>();
  private volatile boolean assigned;
  private final DeadLetters deadLetters;

  KafkaInboxWakeups(DeadLetters deadLetters) {
    this.deadLetters = deadLetters;
  }

  /** A user's sink and how many streams hold it, both changed only inside the map's lock for the user. */
  private static final class Wakeup {
    final Sinks.Many<Long> sink = Sinks.many().multicast().directBestEffort();
    int holders;
  }

  /**
   * A stream takes the user's sink when it subscribes and gives it back when it ends; the sink
   * goes when its last holder does. Counting holders, not the sink's subscribers, keeps a sink
   * that a second stream has taken but not yet subscribed to from being dropped by the first
   * stream's end (its pushes would then wait for heartbeats).
   */
  @Override
  public Flux<Long> of(String userId) {
    return Flux.defer(() -> {
      Wakeup taken = byUser.compute(userId, (id, wakeup) -> {
        Wakeup held = wakeup == null ? new Wakeup() : wakeup;
        held.holders++;
        return held;
      });
      return taken.sink.asFlux().doFinally(signal -> byUser.computeIfPresent(userId, (id, wakeup) -> --wakeup.holders == 0
          ? null : wakeup));
    });
  }

  /** Called with the partitions' positions resolved: from here on, no notification is missed. */
  @Override
  public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
    assigned = true;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    assigned = false;
  }

  @Override
  public Health health() {
    return assigned
        ? Health.up().withDetail("streams", byUser.size()).build()
        : Health.outOfService().withDetail("reason", "waiting for the inbox notification partitions").build();
  }

  static final String LISTENER_ID = "sync-stream-wakeups";

  @KafkaListener(id = LISTENER_ID, idIsGroup = false, topics = Topics.INBOX_NOTIFY, groupId = "sync-stream-${random.uuid}",
      properties = {"auto.offset.reset=latest", "enable.auto.commit=true"})
  void notified(ConsumerRecord<String, byte[]> record) {
    deadLetters.decode(Topics.INBOX_NOTIFIED, record).ifPresent(note -> {
      Wakeup wakeup = byUser.get(note.userId());
      if (wakeup != null) {
        wakeup.sink.tryEmitNext(note.headSeq());
      }
    });
  }
}
