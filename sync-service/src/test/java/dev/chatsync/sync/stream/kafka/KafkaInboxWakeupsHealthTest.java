package dev.chatsync.sync.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

class KafkaInboxWakeupsHealthTest {

  private final KafkaInboxWakeups wakeups = new KafkaInboxWakeups(null); // reads no records
  private final TopicPartition partition = new TopicPartition("chat.inbox-notify", 0);

  @Test
  void notReadyForStreamsUntilItsPartitionsAreAssignedAndAgainWhenTheyAreRevoked() {
    assertThat(wakeups.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

    wakeups.onPartitionsAssigned(Map.of(partition, 42L), null);
    assertThat(wakeups.health().getStatus()).isEqualTo(Status.UP);

    wakeups.onPartitionsRevoked(List.of(partition));
    assertThat(wakeups.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
  }
}
