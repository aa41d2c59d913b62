package dev.chatsync.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class KeyPartitionsTest {

  /** The gateway's routing is only worth something if it agrees with the producer that placed the record. */
  @Test
  void agreesWithTheKafkaClientsPartitionerForEveryKeyLengthAndCount() {
    Random random = new Random(42);
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-é";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder key = new StringBuilder();
      int length = random.nextInt(66);
      for (int c = 0; c < length; c++) {
        key.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      int partitions = 1 + random.nextInt(512);
      assertThat(KeyPartitions.of(key.toString(), partitions))
          .as("key %s, %d partitions", key, partitions)
          .isEqualTo(BuiltInPartitioner.partitionForKey(key.toString().getBytes(StandardCharsets.UTF_8), partitions));
    }
  }

  @Test
  void aTopicWithoutPartitionsIsAMistakeNotAPartition() {
    assertThatIllegalArgumentException().isThrownBy(() -> KeyPartitions.of("alice", 0));
  }
}
