package dev.chatsync.bench;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Records the system wrote to Kafka, from the end offsets of all its topics: the system's Kafka
 * rate during a step, to set beside what the broker does at its limit.
 */
final class KafkaTraffic {

  private final Admin admin;

  KafkaTraffic(int port) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    this.admin = Admin.create(config);
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
