package dev.chatsync.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InboxHorizonTest {

  private static final int TTL = 7 * 24 * 3600;
  private static final long HOUR = 3_600_000;
  private static final long T0 = 1_000 * HOUR;

  @Test
  void aMarkIsWrittenOncePerBucketAndOldMarksAreDropped() {
    long bucket = InboxHorizon.bucketMillis(TTL);
    assertThat(bucket).isEqualTo(TTL * 1000L / 100);

    Map<Long, Long> first = InboxHorizon.marksAfterWrite(Map.of(), 0, T0 + 5, TTL);
    assertThat(first).containsExactly(Map.entry(T0 - Math.floorMod(T0, bucket), 0L));
    assertThat(InboxHorizon.marksAfterWrite(first, 40, T0 + 10, TTL)).as("same bucket").isNull();

    Map<Long, Long> second = InboxHorizon.marksAfterWrite(first, 40, T0 + 2 * bucket, TTL);
    Map<Long, Long> muchLater = InboxHorizon.marksAfterWrite(second, 500, T0 + 30L * 24 * HOUR, TTL);
    assertThat(muchLater).as("the newest old mark stays").hasSize(2).containsValues(40L, 500L);
  }

  @Test
  void entriesWrittenBeforeTheTtlAreBelowTheLowWaterMarkAndLaterOnesAbove() {
    // Writes in three buckets: heads 0 -> 100 in the first, 100 -> 250 in the second, 250 -> 300 in the third.
    long bucket = InboxHorizon.bucketMillis(TTL);
    Map<Long, Long> marks = Map.of(T0, 0L, T0 + bucket, 100L, T0 + 2 * bucket, 250L);

    // Just after the TTL of the first bucket's writes (and the skew margin): the first 100 may be gone.
    long now = T0 + bucket + TTL * 1000L - InboxHorizon.MAX_SKEW_MILLIS;
    assertThat(InboxHorizon.lowWater(0, 300, marks, TTL, now)).isEqualTo(100);
    // Long after every write: the whole inbox may be gone.
    assertThat(InboxHorizon.lowWater(0, 300, marks, TTL, T0 + 10L * TTL * 1000)).isEqualTo(300);
    // Within the TTL of every write: nothing is gone.
    assertThat(InboxHorizon.lowWater(0, 300, marks, TTL, T0 + HOUR)).isZero();
  }

  @Test
  void aRebuiltInboxIsWholeOnlyAboveItsBase() {
    assertThat(InboxHorizon.lowWater(10_000, 10_020, Map.of(T0, 10_000L), TTL, T0 + HOUR)).isEqualTo(10_000);
    assertThat(InboxHorizon.lowWater(10_000, 10_020, Map.of(), null, T0)).as("written before marks existed").isEqualTo(10_000);
  }

  @Test
  void entriesFromBeforeTheInboxHadMarksAreUncertainUntilTheMarksReachBackOverTheTtl() {
    // Written by a version without marks up to head 70; the first write with marks at T0.
    Map<Long, Long> marks = Map.of(T0, 70L);

    assertThat(InboxHorizon.lowWater(0, 90, marks, TTL, T0 + HOUR)).as("no 410 for a lagging device").isZero();
    assertThat(InboxHorizon.uncertainBelow(0, 90, marks, TTL, T0 + HOUR)).isEqualTo(70);
    assertThat(InboxHorizon.uncertainBelow(0, 90, Map.of(), null, T0)).as("never written with marks").isEqualTo(90);
    assertThat(InboxHorizon.uncertainBelow(0, 90, marks, TTL, T0 + TTL * 1000L)).as("a TTL later").isZero();
    assertThat(InboxHorizon.uncertainBelow(0, 5, Map.of(T0, 0L), TTL, T0 + HOUR)).as("a new inbox").isZero();
  }
}
