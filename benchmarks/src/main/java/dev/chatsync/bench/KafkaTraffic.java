package dev.chatsync.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Records the system wrote to Kafka, from the end offsets of all its topics: the system's Kafka
 * rate during a step, to set beside what the broker does at its limit.
 */
final class KafkaTraffic {

  /** The fanout's consumer groups that carry a step's load: stage 1 and stage 2. */
  private static final List<String> FANOUT_GROUPS = List.of("fanout-expand", "fanout-inbox");

  private final Admin admin;

  KafkaTraffic(int port) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    this.admin = Admin.create(config);
  }

  /**
   * Records the fanout has still to handle: end offsets minus the groups' committed offsets, over
   * the stages' topics; -1 when the broker does not answer.
   */
  long fanoutBacklog() {
    try {
      long backlog = 0;
      for (String group : FANOUT_GROUPS) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> ends = committed.keySet().stream()
            .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
        var endOffsets = admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS);
        for (var entry : committed.entrySet()) {
          long done = entry.getValue() == null ? 0 : entry.getValue().offset();
          backlog += Math.max(0, endOffsets.get(entry.getKey()).offset() - done);
        }
      }
      return backlog;
    } catch (Exception unavailable) {
      return -1;
    }
  }

  /**
   * Waits until the fanout has caught up with what earlier steps sent, so that a step measures its
   * own load and not the backlog of the one before; gives up after {@code limit}.
   *
   * @return how long it waited
   */
  Duration awaitDrained(Duration limit) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    while (System.nanoTime() < deadline && fanoutBacklog() > 0) {
      Thread.sleep(500);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** The sum of every partition's end offset, or -1 when the broker does not answer. */
  long produced() {
    try {
      var names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> ends = topics.values().stream()
          .flatMap(topic -> topic.partitions().stream().map(p -> new TopicPartition(topic.name(), p.partition())))
          .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
      return admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(info -> info.offset()).sum();
    } catch (Exception unavailable) {
      return -1;
    }
  }
}
