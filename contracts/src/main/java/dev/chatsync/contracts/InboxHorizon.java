package dev.chatsync.contracts;

import java.util.Map;
import java.util.TreeMap;

/**
 * How far back a user's inbox is still whole: its low-water mark. Written by fanout stage 2 into
 * {@code inbox_state}, read by sync-service to answer a stale cursor with 410 from one small read,
 * never by scanning the tombstones of expired entries (docs/design.md, the faults).
 *
 * <p>Two things make entries go: expiry (each entry lives {@code ttlSeconds} from its write) and
 * a rebuild, which starts a new generation of the inbox above {@code base}. For expiry, stage 2
 * keeps marks: for each time bucket in which it wrote, the head just before its first write in
 * that bucket. Every entry above such a mark was allocated, and so written, after the bucket
 * began; so the mark of the first bucket that began after {@code now - ttl} bounds the expired
 * entries from above. The answer errs only towards 410 (by at most a bucket, a hundredth of the
 * TTL, plus a clock-skew margin), never towards a cursor whose entries are gone.
 */
public final class InboxHorizon {

  /** Buckets per TTL: the marks of one inbox stay around a hundred numbers. */
  static final int BUCKETS_PER_TTL = 100;
  /** Clocks of the writer, the reader and the store disagree by less than this. */
  static final long MAX_SKEW_MILLIS = 60_000;

  private InboxHorizon() {}

  public static long bucketMillis(int ttlSeconds) {
    return Math.max(1_000, ttlSeconds * 1_000L / BUCKETS_PER_TTL);
  }

  /**
   * The marks after a write at {@code nowMillis} by a writer that found the head at
   * {@code headBefore}, or null if they stay as they are (a mark is written once a bucket). Marks
   * older than any reader can ask about are dropped.
   */
  public static Map<Long, Long> marksAfterWrite(Map<Long, Long> marks, long headBefore, long nowMillis, int ttlSeconds) {
    long bucket = bucketMillis(ttlSeconds);
    long current = nowMillis - Math.floorMod(nowMillis, bucket);
    if (marks.containsKey(current)) {
      return null;
    }
    TreeMap<Long, Long> next = new TreeMap<>(marks);
    // Marks older than any reader asks about go, but the newest of them stays: it shows the marks
    // reach back over the whole TTL (see uncertainBelow).
    var old = next.headMap(nowMillis - ttlSeconds * 1_000L - 2 * bucket, false);
    while (old.size() > 1) {
      old.pollFirstEntry();
    }
    next.put(current, headBefore);
    return next;
  }

  /**
   * The inbox seq at and below which entries may be gone: a device whose cursor is below it
   * cannot be answered from the inbox (410). {@code ttlSeconds} null: the inbox was written before
   * marks existed, and only the generation's base is known.
   */
  public static long lowWater(long base, long head, Map<Long, Long> marks, Integer ttlSeconds, long nowMillis) {
    if (ttlSeconds == null) {
      return base;
    }
    long ttlMillis = ttlSeconds * 1_000L;
    long expiredBefore = nowMillis - ttlMillis + Math.min(MAX_SKEW_MILLIS, ttlMillis / 10);
    TreeMap<Long, Long> sorted = new TreeMap<>(marks);
    if (sorted.isEmpty() || sorted.firstKey() > expiredBefore) {
      // The marks begin within the TTL: nothing written since they began has expired, and what was
      // written before them is uncertain (see uncertainBelow), not known to be gone.
      return base;
    }
    Map.Entry<Long, Long> firstAfter = sorted.ceilingEntry(expiredBefore);
    // No write since then: everything up to the head may have expired.
    long expired = firstAfter == null ? head : firstAfter.getValue();
    return Math.max(base, Math.min(expired, head));
  }

  /**
   * Below this seq the marks say nothing: the entries there were written before the inbox had
   * marks (an inbox written by a version without them), at unknown times. There a missing entry
   * is taken as expired (410), as entries only expire oldest first and nothing else leaves a hole
   * below it; above it a missing entry is one being written. Once the marks reach back over the
   * whole TTL this is the base.
   */
  public static long uncertainBelow(long base, long head, Map<Long, Long> marks, Integer ttlSeconds, long nowMillis) {
    if (ttlSeconds == null || marks.isEmpty()) {
      return head;
    }
    TreeMap<Long, Long> sorted = new TreeMap<>(marks);
    boolean reachesBack = sorted.firstKey() <= nowMillis - ttlSeconds * 1_000L;
    return reachesBack ? base : Math.max(base, sorted.firstEntry().getValue());
  }
}
