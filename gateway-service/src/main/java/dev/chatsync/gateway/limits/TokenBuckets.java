package dev.chatsync.gateway.limits;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One token bucket per key (a user, a conversation), in this instance's memory: {@code permits}
 * per {@code period}, refilled continuously, at most {@code permits} saved up (the burst). A
 * bucket that has filled up again is forgotten (a sweep each period), so memory holds only the
 * keys active within the last two periods.
 */
final class TokenBuckets {

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }
  }

  private final double capacity;
  private final double tokensPerNano;
  private final long periodNanos;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong nextSweep;

  TokenBuckets(int permits, Duration period, LongSupplier nanoTime) {
    if (permits < 1) {
      throw new IllegalArgumentException("a limit needs at least 1 permit per period");
    }
    this.capacity = permits;
    this.periodNanos = period.toNanos();
    this.tokensPerNano = permits / (double) periodNanos;
    this.nanoTime = nanoTime;
    this.nextSweep = new AtomicLong(nanoTime.getAsLong() + periodNanos);
  }

  /** Takes a permit for {@code key}: zero if taken, else how long until one is free (nothing taken). */
  Duration take(String key) {
    long now = nanoTime.getAsLong();
    sweepIfDue(now);
    long[] waitNanos = {0};
    buckets.compute(key, (k, bucket) -> {
      Bucket b = bucket == null ? new Bucket(capacity, now) : refilled(bucket, now);
      if (b.tokens >= 1) {
        b.tokens -= 1;
      } else {
        waitNanos[0] = (long) Math.ceil((1 - b.tokens) / tokensPerNano);
      }
      return b;
    });
    return Duration.ofNanos(waitNanos[0]);
  }

  /** Returns a permit taken for a request that another limit then refused. */
  void giveBack(String key) {
    buckets.computeIfPresent(key, (k, bucket) -> {
      bucket.tokens = Math.min(capacity, bucket.tokens + 1);
      return bucket;
    });
  }

  int size() {
    return buckets.size();
  }

  private Bucket refilled(Bucket bucket, long now) {
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.refilledAt) * tokensPerNano);
    bucket.refilledAt = now;
    return bucket;
  }

  private void sweepIfDue(long now) {
    long due = nextSweep.get();
    if (now - due < 0 || !nextSweep.compareAndSet(due, now + periodNanos)) {
      return;
    }
    // A full bucket is the same as none: dropping it changes no answer.
    for (String key : buckets.keySet()) {
      buckets.computeIfPresent(key, (k, bucket) -> refilled(bucket, now).tokens >= capacity ? null : bucket);
    }
  }
}
