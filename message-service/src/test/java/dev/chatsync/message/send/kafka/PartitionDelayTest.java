package dev.chatsync.message.send.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionDelayTest {

  private static final long SECOND = 1_000_000_000L;
  private final PartitionDelay partition = new PartitionDelay(Duration.ofMinutes(5));

  @Test
  void theDelayIsTheAgeOfTheOldestRecordNotYetCommitted() {
    partition.sample(100, 0, 0);
    partition.sample(110, 0, 1 * SECOND);
    partition.sample(130, 0, 2 * SECOND);

    assertThat(partition.of(100, 3 * SECOND)).as("offset 100 first seen at 1 s").isEqualTo(2 * SECOND);
    assertThat(partition.of(115, 3 * SECOND)).as("offsets after 110 first seen at 2 s").isEqualTo(1 * SECOND);
    assertThat(partition.of(130, 3 * SECOND)).as("caught up").isZero();
  }

  @Test
  void recordsOlderThanTheFirstSampleAreAReplayNotALoad() {
    partition.sample(500, 0, 0);
    partition.sample(510, 0, 10 * SECOND);

    assertThat(partition.of(20, 11 * SECOND)).isZero();
    assertThat(partition.busy(20, 11 * SECOND)).isTrue();
  }

  @Test
  void aCommittedOffsetThatGoesBackIsARewindWhoseRecordsAreNotALoad() {
    partition.sample(100, 100, 0);
    partition.sample(120, 100, 1 * SECOND);
    assertThat(partition.of(100, 2 * SECOND)).isEqualTo(1 * SECOND);

    partition.sample(120, 40, 3 * SECOND);
    assertThat(partition.of(40, 4 * SECOND)).as("rewound to 40 by an operator").isZero();
    partition.sample(125, 40, 5 * SECOND);
    assertThat(partition.of(40, 6 * SECOND)).as("new records behind the replay").isZero();
    partition.sample(125, 122, 7 * SECOND);
    assertThat(partition.of(122, 8 * SECOND)).as("past the replay, the new records' age").isEqualTo(3 * SECOND);
  }

  @Test
  void aPartitionWithoutRecordsForAMinuteIsNotBusy() {
    partition.sample(7, 0, 0);
    assertThat(partition.busy(7, SECOND)).as("never moved").isFalse();
    partition.sample(8, 0, 2 * SECOND);
    assertThat(partition.busy(8, 3 * SECOND)).as("moved a second ago").isTrue();
    partition.sample(8, 0, 70 * SECOND);
    assertThat(partition.busy(8, 70 * SECOND)).as("caught up and quiet for a minute").isFalse();
    assertThat(partition.busy(7, 70 * SECOND)).as("a record waiting").isTrue();
  }

  @Test
  void theMedianIgnoresOnePartitionStuckBehindAStalledConsumer() {
    List<Long> delays = new ArrayList<>(List.of(0L, 200L, 9_000L, 100L, 0L));
    assertThat(PartitionDelay.median(delays)).isEqualTo(100L);
    assertThat(PartitionDelay.median(new ArrayList<>(List.of(300L, 9_000L)))).as("of two, the lower").isEqualTo(300L);
    assertThat(PartitionDelay.median(new ArrayList<>())).isZero();
  }
}
