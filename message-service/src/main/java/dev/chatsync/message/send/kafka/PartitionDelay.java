package dev.chatsync.message.send.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One partition's end offsets, each with when it was first seen, so that the age of the oldest
 * record after a consumer's committed offset can be told (see {@link KafkaFanoutDelay}).
 */
final class PartitionDelay {

  /** An end offset and when it was first seen (System.nanoTime()). */
  private record Sample(long atNanos, long endOffset) {}

  /** A partition that received records this recently still counts as busy when caught up. */
  private static final long BUSY_NANOS = Duration.ofMinutes(1).toNanos();

  private final long historyNanos;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private long lastCommitted = -1;

  PartitionDelay(Duration history) {
    this.historyNanos = history.toNanos();
  }

  /**
   * Notes the end offset if it moved (idle partitions keep one sample). A committed offset that
   * went back is a rewind (an operator's reset): what waits then is a replay, whose age is unknown,
   * so the samples start again at the current end.
   */
  void sample(long endOffset, long committed, long nowNanos) {
    if (committed < lastCommitted) {
      forget();
    }
    lastCommitted = committed;
    if (samples.isEmpty() || samples.peekLast().endOffset() != endOffset) {
      samples.addLast(new Sample(nowNanos, endOffset));
    }
    while (samples.size() > 1 && nowNanos - samples.peekFirst().atNanos() > historyNanos) {
      samples.removeFirst();
    }
  }

  /**
   * Whether the partition takes part in the load: it has records waiting, or received some in the
   * last minute. A stage with few busy partitions (two large groups use two of stage 1's) is
   * judged by those, not drowned by its idle ones.
   */
  boolean busy(long committed, long nowNanos) {
    return !samples.isEmpty() && (committed < samples.peekLast().endOffset()
        || (samples.size() > 1 && nowNanos - samples.peekLast().atNanos() < BUSY_NANOS));
  }

  /**
   * How long ago the oldest record after {@code committed} was first seen; 0 when there is none,
   * or when it predates the samples (a replay's records: their age is unknown and they are not
   * the load of now).
   */
  long of(long committed, long nowNanos) {
    if (samples.isEmpty() || committed >= samples.peekLast().endOffset() || samples.peekFirst().endOffset() > committed) {
      return 0;
    }
    for (Sample sample : samples) {
      if (sample.endOffset() > committed) {
        return nowNanos - sample.atNanos();
      }
    }
    return 0;
  }

  /** Starts again: the records waiting now count as older than the samples. */
  void forget() {
    samples.clear();
  }

  /**
   * The median of the delays (the lower middle one, so that of two busy partitions one stuck
   * behind a stalled consumer does not decide), or 0 for none.
   */
  static long median(List<Long> delays) {
    if (delays.isEmpty()) {
      return 0;
    }
    delays.sort(null);
    return delays.get((delays.size() - 1) / 2);
  }
}
