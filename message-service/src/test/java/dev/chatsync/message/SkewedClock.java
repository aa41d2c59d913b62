package dev.chatsync.message;

import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.time.TimestampGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The driver's timestamp generator in the tests that import {@link FaultInjection}: the clock of
 * this JVM, or, while a test says so, one that runs ahead, as another instance's may. Only writes
 * without a timestamp of their own (no Paxos ballot, no USING TIMESTAMP) take it.
 */
public final class SkewedClock implements TimestampGenerator {

  private static final AtomicLong aheadMicros = new AtomicLong();

  private long last;
  private long lastAhead;

  public SkewedClock(DriverContext context) {}

  /** Until the returned handle is closed, every plain write of this JVM is stamped {@code by} ahead. */
  public static AutoCloseable ahead(Duration by) {
    aheadMicros.set(by.toNanos() / 1_000);
    return () -> aheadMicros.set(0);
  }

  /** Never the same twice, as the driver's own generator, while the skew stays as it is. */
  @Override
  public synchronized long next() {
    long ahead = aheadMicros.get();
    long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()) + ahead;
    last = ahead == lastAhead ? Math.max(now, last + 1) : now;
    lastAhead = ahead;
    return last;
  }

  @Override
  public void close() {}
}
