package dev.chatsync.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Sends at a fixed rate into a population's groups and measures, from each message's intended
 * send time (so a slow system cannot slow the load down and hide its queueing: coordinated
 * omission), how long the send took and how long until each member's stream showed it.
 */
final class LoadStep {

  /** A step is broken past these: the offered load is more than the system sustains. */
  static final long BROKEN_P99_MILLIS = 1_000;
  static final double BROKEN_DELIVERED_SHARE = 0.95;

  record Result(int groupSize, int streams, double offeredDeliveriesPerSecond, double sendsPerSecond, long sent, long sendErrors,
      long expected, long delivered, long duplicates, double seconds, double deliveredPerSecond, Histogram send,
      Histogram delivery, double cpuMillisPerThousand, double kafkaRecordsPerSecond) {

    boolean broken() {
      return delivery.getValueAtPercentile(99) / 1_000_000 > BROKEN_P99_MILLIS
          || delivered < expected * BROKEN_DELIVERED_SHARE
          || sendErrors > sent / 100;
    }
  }

  /** Told when a step's sends begin and when its deliveries have all arrived or stalled. */
  interface Window {
    Window NONE = new Window() {};

    default void opened() {}

    default void closed() {}
  }

  private final GatewayClient gateway;
  private final String runId;
  private final double idleCpuMillisPerSecond;
  private final KafkaTraffic kafka;

  /**
   * @param idleCpuMillisPerSecond what the machine's CPU does with the system up and no load
   *     (heartbeats, sweeps, compaction), taken out of each step's cost
   * @param kafka counts the records the system writes during a step, or null
   */
  LoadStep(GatewayClient gateway, String runId, double idleCpuMillisPerSecond, KafkaTraffic kafka) {
    this.gateway = gateway;
    this.runId = runId;
    this.idleCpuMillisPerSecond = idleCpuMillisPerSecond;
    this.kafka = kafka;
  }

  /**
   * @param deliveriesPerSecond offered inbox deliveries a second: sends a second times the group size
   */
  Result run(int groupSize, int groupCount, double deliveriesPerSecond, Duration duration) throws Exception {
    return run(groupSize, groupCount, deliveriesPerSecond, duration, Window.NONE);
  }

  Result run(int groupSize, int groupCount, double deliveriesPerSecond, Duration duration, Window window) throws Exception {
    double sendsPerSecond = deliveriesPerSecond / groupSize;
    int messages = (int) Math.max(1, Math.round(sendsPerSecond * duration.toSeconds()));
    long[] intended = new long[messages];
    Arrays.fill(intended, Long.MAX_VALUE);
    Histogram send = new ConcurrentHistogram(3);
    Histogram delivery = new ConcurrentHistogram(3);
    AtomicLong delivered = new AtomicLong();
    AtomicLong sendErrors = new AtomicLong();
    AtomicLong sent = new AtomicLong();

    try (Population population = Population.open(gateway, runId + "-" + Math.round(deliveriesPerSecond), groupSize, groupCount,
        (arrivedNanos, index) -> {
          delivery.recordValue(Math.max(0, arrivedNanos - intended[index]));
          delivered.incrementAndGet();
        })) {
      var groups = population.groups();
      window.opened();
      long kafkaBefore = kafka == null ? -1 : kafka.produced();
      double cpuBefore = Cpu.busyMillis();
      long cpuFrom = System.nanoTime();
      long start = System.nanoTime() + 100_000_000;
      long interval = (long) (1e9 / sendsPerSecond);
      Progress progress = new Progress(String.format("group %d, %.0f deliveries/s", groupSize, deliveriesPerSecond));
      for (int i = 0; i < messages; i++) {
        long at = start + i * interval;
        intended[i] = at;
        LockSupport.parkNanos(at - System.nanoTime());
        var group = groups.get(i % groups.size());
        String sender = group.members().get(ThreadLocalRandom.current().nextInt(group.members().size()));
        gateway.send(sender, group.conversationId(), runId + "-" + i, "m" + i).whenComplete((status, failed) -> {
          send.recordValue(Math.max(0, System.nanoTime() - at));
          sent.incrementAndGet();
          if (failed != null || status != 201) {
            sendErrors.incrementAndGet();
          }
        });
        progress.maybePrint(sent.get(), delivered.get(), delivery, sendErrors.get());
      }
      long expected = (long) messages * groupSize;
      long sendEnd = System.nanoTime();
      // Drain: everything sent is given time to arrive; a stall of 10 s ends the wait.
      long lastCount = -1;
      long lastProgress = System.nanoTime();
      while (delivered.get() < expected && System.nanoTime() - lastProgress < 10_000_000_000L) {
        if (delivered.get() != lastCount) {
          lastCount = delivered.get();
          lastProgress = System.nanoTime();
        }
        Thread.sleep(50);
        progress.maybePrint(sent.get(), delivered.get(), delivery, sendErrors.get());
      }
      window.closed();
      // At least the step's duration: a few sends at a low rate finish before it ends.
      double seconds = Math.max(duration.toNanos(), Math.max(sendEnd, lastProgress) - start) / 1e9;
      double cpuMillis = Cpu.busyMillis() - cpuBefore - idleCpuMillisPerSecond * (System.nanoTime() - cpuFrom) / 1e9;
      long kafkaAfter = kafka == null || kafkaBefore < 0 ? -1 : kafka.produced();
      double kafkaRate = kafkaAfter < 0 ? Double.NaN : (kafkaAfter - kafkaBefore) / seconds;
      progress.done(sent.get(), delivered.get(), delivery, sendErrors.get());
      return new Result(groupSize, population.streams(), deliveriesPerSecond, sendsPerSecond, sent.get(), sendErrors.get(),
          expected, delivered.get(), population.duplicates(), seconds, delivered.get() / seconds, send, delivery,
          cpuMillis / Math.max(1, delivered.get()) * 1000, kafkaRate);
    }
  }

  /** A line a second while a step runs. */
  static final class Progress {
    private final String label;
    private final long started = System.nanoTime();
    private long lastPrinted;

    Progress(String label) {
      this.label = label;
    }

    void maybePrint(long sent, long delivered, Histogram delivery, long errors) {
      long now = System.nanoTime();
      if (now - lastPrinted >= 1_000_000_000L) {
        lastPrinted = now;
        print(sent, delivered, delivery, errors);
      }
    }

    void done(long sent, long delivered, Histogram delivery, long errors) {
      print(sent, delivered, delivery, errors);
    }

    private void print(long sent, long delivered, Histogram delivery, long errors) {
      System.out.printf("  [%s] %4.0fs  sent %,d  delivered %,d  delivery p99 %,d ms  errors %d%n", label,
          (System.nanoTime() - started) / 1e9, sent, delivered, delivery.getValueAtPercentile(99) / 1_000_000, errors);
    }
  }
}
