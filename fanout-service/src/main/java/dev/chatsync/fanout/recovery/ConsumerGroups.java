package dev.chatsync.fanout.recovery;

import dev.chatsync.contracts.Topics;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The fanout's consumer groups, as a recovery sees them: it works only while none of them has a
 * member (a running fanout would write inboxes and progress under it), and it can move them to a
 * point in time, as Kafka's own consumer-groups tool does.
 */
final class ConsumerGroups {

  /** Each group of the fanout and the topic it reads. */
  static final Map<String, String> FANOUT = Map.of(
      "fanout-expand", Topics.MESSAGES,
      "fanout-inbox", Topics.INBOX_APPENDS,
      "fanout-reads", Topics.READS,
      "fanout-changes", Topics.MESSAGE_CHANGES,
      "fanout-push", Topics.INBOX_APPENDS);

  private final Admin admin;

  ConsumerGroups(Admin admin) {
    this.admin = admin;
  }

  /** Refuses to go on while any fanout instance is running. */
  void requireIdle() throws Exception {
    Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(FANOUT.keySet()).all().get();
    List<String> active = groups.values().stream()
        .filter(group -> !group.members().isEmpty())
        .map(group -> group.groupId() + " (" + group.members().size() + " members)")
        .toList();
    if (!active.isEmpty()) {
      throw new RecoveryException("the fanout is running: " + String.join(", ", active)
          + "; stop every fanout-service instance first (deploy/local/services.sh stop fanout-service, or scale it to 0)");
    }
  }

  /** The offsets of the topic's partitions at a time: the first record at or after it, else the end. */
  Map<TopicPartition, Long> offsetsAt(String topic, Instant at) throws Exception {
    List<TopicPartition> partitions = partitions(topic);
    var byTime = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.forTimestamp(at.toEpochMilli()))))
        .all().get();
    var ends = endOffsets(partitions);
    return partitions.stream().collect(Collectors.toMap(p -> p, p -> byTime.get(p).offset() >= 0 ? byTime.get(p).offset() : ends.get(p)));
  }

  Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) throws Exception {
    return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get()
        .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  List<TopicPartition> partitions(String topic) throws Exception {
    return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
        .map(info -> new TopicPartition(topic, info.partition()))
        .toList();
  }

  /** Moves a group to a point in time: its next poll reads every record from then on again. */
  void reset(String group, Instant at) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = offsetsAt(FANOUT.get(group), at).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
    admin.alterConsumerGroupOffsets(group, offsets).all().get();
  }
}
