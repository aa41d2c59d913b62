package dev.chatsync.fanout;

/**
 * Cassandra write timestamps taken from a mark that only moves forward (an inbox head, a stage-1
 * progress) instead of from a clock, so that the store keeps the furthest write of the mark
 * whatever order writes land in: a writer that stalled and wakes up with an older write loses to
 * every newer one, with no compare-and-set (P1, P2, P4).
 *
 * <p>Every write of such a row carries one of these, and they sit far above any clock time, so a
 * row written before (by the clock, or by a compare-and-set) is overtaken by the first write of
 * this kind and an operator's plain {@code DELETE} cannot hide the rows written after it.
 */
public final class ProgressStamps {

  /** Far above any clock time in microseconds (2^60 is the year 38,000), far below the type's limit. */
  public static final long BASE = 1L << 60;
  /** What a rewind adds to the last timestamp: more than any mark will ever move in one generation. */
  public static final long GENERATION = 1L << 40;

  private ProgressStamps() {}

  /** The timestamp of a write that moves the mark to {@code mark}, in the first generation. */
  public static long of(long mark) {
    return BASE + mark;
  }
}
