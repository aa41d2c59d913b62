package dev.chatsync.fanout.recovery;

import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.PoisonRecordException;
import dev.chatsync.contracts.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * chat.messages read from given offsets to the end it has now, without a consumer group: which
 * conversations had messages since a point in time, and the lowest seq announced for each.
 */
final class MessageLog {

  private final Consumer<String, byte[]> consumer;

  MessageLog(Consumer<String, byte[]> consumer) {
    this.consumer = consumer;
  }

  /**
   * Per conversation, the lowest seq announced between the offsets and the ends. Records that are
   * not MessageAppended are passed over (they are in the dead-letter topic already).
   *
   * @param progress told how many records were read so far, now and then
   */
  Map<String, Long> lowestSeqs(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to, LongConsumer progress) {
    Map<String, Long> lowest = new HashMap<>();
    Map<TopicPartition, Long> remaining = new HashMap<>();
    to.forEach((partition, end) -> {
      if (from.get(partition) < end) {
        remaining.put(partition, end);
      }
    });
    consumer.assign(remaining.keySet());
    remaining.keySet().forEach(partition -> consumer.seek(partition, from.get(partition)));
    long read = 0;
    while (!remaining.isEmpty()) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Long end = remaining.get(partition);
        if (end == null || record.offset() >= end) {
          continue;
        }
        read++;
        try {
          MessageAppended event = Topics.MESSAGE_APPENDED.decode(record.value());
          lowest.merge(event.conversationId(), event.seq(), Math::min);
        } catch (PoisonRecordException poison) {
          // Dead-lettered when the fanout read it; nothing to rebuild from.
        }
        if (record.offset() + 1 >= end) {
          remaining.remove(partition);
        }
      }
      remaining.keySet().removeIf(partition -> consumer.position(partition) >= remaining.get(partition));
      progress.accept(read);
    }
    return lowest;
  }
}
