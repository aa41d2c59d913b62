package dev.chatsync.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  /**
   * @param sent sends answered; {@code shed} of them refused with 503 (nothing stored), the rest
   *     admitted; {@code sendErrors} failed otherwise
   * @param lastShedSeconds when, from the step's start, the last refused send was sent (-1: none)
   * @param send latency of the admitted sends; {@code delivery} of their entries
   * @param storeRequestsPerSend message-service's Cassandra requests per admitted send, by
   *     {@link StoreRequests#KINDS} (over all the phases of a step), or null
   * @param spread how the runs of a repeated step differed (this result is their median), or null
   */
  record Result(int groupSize, int streams, double offeredDeliveriesPerSecond, double sendsPerSecond, long sent, long shed,
      long sendErrors, long expected, long delivered, long duplicates, double seconds, double deliveredPerSecond,
      Histogram send, Histogram delivery, double cpuMillisPerThousand, double kafkaRecordsPerSecond, double lastShedSeconds,
      double[] storeRequestsPerSend, Spread spread) {

    /** The same step's figures with the spread of the runs it was the median of. */
    Result withSpread(Spread of) {
      return new Result(groupSize, streams, offeredDeliveriesPerSecond, sendsPerSecond, sent, shed, sendErrors, expected,
          delivered, of == null ? duplicates : of.duplicates(), seconds, deliveredPerSecond, send, delivery, cpuMillisPerThousand, kafkaRecordsPerSecond,
          lastShedSeconds, storeRequestsPerSend, of);
    }

    /** Past the limit: slow, incomplete, failing, or refusing part of what was offered. */
    boolean broken() {
      return delivery.getValueAtPercentile(99) / 1_000_000 > BROKEN_P99_MILLIS
          || delivered < expected * BROKEN_DELIVERED_SHARE
          || sendErrors > sent / 100
          || shed > sent / 100;
    }

    double admittedSendsPerSecond() {
      return (sent - shed - sendErrors) / seconds;
    }
  }

  /** The lowest and highest delivery p99 (ms) and delivered entries/s over a repeated step's runs. */
  record Spread(int runs, double p99MinMillis, double p99MaxMillis, double deliveredMin, double deliveredMax,
      long duplicates) {

    /**
     * The run with the median delivery p99 (of two, the worse), carrying the spread of them all;
     * its repeats are every run's, since one is a broken guarantee whichever run showed it.
     */
    static Result medianOf(List<Result> runs) {
      List<Result> byP99 = new ArrayList<>(runs);
      byP99.sort(java.util.Comparator.comparingLong(run -> run.delivery().getValueAtPercentile(99)));
      double[] delivered = runs.stream().mapToDouble(Result::deliveredPerSecond).sorted().toArray();
      Spread spread = new Spread(runs.size(), byP99.get(0).delivery().getValueAtPercentile(99) / 1e6,
          byP99.get(byP99.size() - 1).delivery().getValueAtPercentile(99) / 1e6, delivered[0], delivered[delivered.length - 1],
          runs.stream().mapToLong(Result::duplicates).sum());
      return byP99.get(byP99.size() / 2).withSpread(spread);
    }
  }

  /** A stretch of a step at one offered rate. */
  record Phase(double deliveriesPerSecond, Duration duration) {}

  /** Told when a step's sends begin and when its deliveries have all arrived or stalled. */
  interface Window {
    Window NONE = new Window() {};

    default void opened() {}

    default void closed() {}
  }

  private final List<GatewayClient> senders;
  private final String runId;
  private final double idleCpuMillisPerSecond;
  private final KafkaTraffic kafka;
  private final StoreRequests store;
  private final AtomicLong runs = new AtomicLong();

  /**
   * @param idleCpuMillisPerSecond what the machine's CPU does with the system up and no load
   *     (heartbeats, sweeps, compaction), taken out of each step's cost
   * @param kafka counts the records the system writes during a step, or null
   */
  LoadStep(List<GatewayClient> senders, String runId, double idleCpuMillisPerSecond, KafkaTraffic kafka) {
    this(senders, runId, idleCpuMillisPerSecond, kafka, null);
  }

  /**
   * @param senders the gateways sends go through: each group's always through the same one, as an
   *     app keeps its connection; the first also creates the groups and holds the streams
   * @param store counts message-service's Cassandra requests during a step, or null
   */
  LoadStep(List<GatewayClient> senders, String runId, double idleCpuMillisPerSecond, KafkaTraffic kafka, StoreRequests store) {
    this.senders = List.copyOf(senders);
    this.runId = runId;
    this.idleCpuMillisPerSecond = idleCpuMillisPerSecond;
    this.kafka = kafka;
    this.store = store;
  }

  /**
   * @param deliveriesPerSecond offered inbox deliveries a second: sends a second times the group size
   */
  Result run(int groupSize, int groupCount, double deliveriesPerSecond, Duration duration) throws Exception {
    return run(groupSize, groupCount, deliveriesPerSecond, duration, Window.NONE);
  }

  Result run(int groupSize, int groupCount, double deliveriesPerSecond, Duration duration, Window window) throws Exception {
    return run(groupSize, groupCount, List.of(new Phase(deliveriesPerSecond, duration)), window).get(0);
  }

  /**
   * Phases back to back on the same groups and streams, the next starting as the one before stops
   * sending (its backlog carries over, as it would for users); a result per phase, each counting
   * the sends made in it and their deliveries.
   */
  List<Result> run(int groupSize, int groupCount, List<Phase> phases, Window window) throws Exception {
    long[] firsts = new long[phases.size() + 1];
    for (int p = 0; p < phases.size(); p++) {
      double sendsPerSecond = phases.get(p).deliveriesPerSecond() / groupSize;
      firsts[p + 1] = firsts[p] + Math.max(1, Math.round(sendsPerSecond * phases.get(p).duration().toSeconds()));
    }
    int messages = (int) firsts[phases.size()];
    long[] intended = new long[messages];
    Arrays.fill(intended, Long.MAX_VALUE);
    PhaseCounts[] counts = new PhaseCounts[phases.size()];
    Arrays.setAll(counts, p -> new PhaseCounts());
    AtomicLong answered = new AtomicLong();
    AtomicLong delivered = new AtomicLong();
    String label = phases.stream().map(phase -> String.format("%.0f", phase.deliveriesPerSecond())).reduce((a, b) -> a + ", then " + b)
        .orElseThrow();

    // Fresh users every run: a repeated step on the same ones would replay the earlier run's entries.
    try (Population population = Population.open(senders.get(0), runId + "-" + label.replace(", then ", "-") + "-" + runs.incrementAndGet(),
        groupSize, groupCount,
        (arrivedNanos, index) -> {
          counts[phaseOf(firsts, index)].deliveredOne(Math.max(0, arrivedNanos - intended[index]));
          delivered.incrementAndGet();
        })) {
      var groups = population.groups();
      window.opened();
      long kafkaBefore = kafka == null ? -1 : kafka.produced();
      double[] storeBefore = store == null ? null : store.counts();
      double cpuBefore = Cpu.busyMillis();
      long cpuFrom = System.nanoTime();
      long start = System.nanoTime() + 100_000_000;
      Progress progress = new Progress(String.format("group %d, %s deliveries/s", groupSize, label));
      long phaseStart = start;
      long[] phaseStarts = new long[phases.size()];
      int i = 0;
      for (int p = 0; p < phases.size(); p++) {
        phaseStarts[p] = phaseStart;
        long interval = (long) (1e9 * groupSize / phases.get(p).deliveriesPerSecond());
        PhaseCounts phase = counts[p];
        for (int k = 0; i < firsts[p + 1]; i++, k++) {
          long at = phaseStart + k * interval;
          intended[i] = at;
          LockSupport.parkNanos(at - System.nanoTime());
          int groupIndex = i % groups.size();
          var group = groups.get(groupIndex);
          String sender = group.members().get(ThreadLocalRandom.current().nextInt(group.members().size()));
          long phaseFrom = phaseStarts[p];
          senders.get(groupIndex % senders.size()).send(sender, group.conversationId(), runId + "-" + i, "m" + i).whenComplete((status, failed) -> {
            phase.answered(status, failed, System.nanoTime() - at, at - phaseFrom);
            answered.incrementAndGet();
          });
          progress.maybePrint(answered.get(), delivered.get(), counts[p].delivery, counts[p].errors.get(), counts[p].shed.get());
        }
        phaseStart += phases.get(p).duration().toNanos();
      }
      long sendEnd = System.nanoTime();
      // Every send answered (a refused one was not stored, so nothing of it is awaited), then
      // everything admitted is given time to arrive; a stall of 10 s ends the wait.
      while (answered.get() < messages && System.nanoTime() - sendEnd < 60_000_000_000L) {
        Thread.sleep(50);
      }
      long expected = 0;
      for (PhaseCounts phase : counts) {
        expected += (phase.answered.get() - phase.shed.get()) * groupSize;
      }
      long lastCount = -1;
      long lastProgress = System.nanoTime();
      while (delivered.get() < expected && System.nanoTime() - lastProgress < 10_000_000_000L) {
        if (delivered.get() != lastCount) {
          lastCount = delivered.get();
          lastProgress = System.nanoTime();
        }
        Thread.sleep(50);
        progress.maybePrint(answered.get(), delivered.get(), counts[counts.length - 1].delivery, 0, 0);
      }
      window.closed();
      long end = Math.max(sendEnd, lastProgress);
      double cpuMillis = Cpu.busyMillis() - cpuBefore - idleCpuMillisPerSecond * (System.nanoTime() - cpuFrom) / 1e9;
      long kafkaAfter = kafka == null || kafkaBefore < 0 ? -1 : kafka.produced();
      long admitted = 0;
      for (PhaseCounts phase : counts) {
        admitted += phase.answered.get() - phase.shed.get();
      }
      double[] storePerSend = store == null ? null : StoreRequests.perSend(storeBefore, store.counts(), admitted);
      progress.done(answered.get(), delivered.get(), counts[counts.length - 1].delivery, 0, 0);
      List<Result> results = new ArrayList<>();
      for (int p = 0; p < phases.size(); p++) {
        PhaseCounts phase = counts[p];
        // The last phase also owns the drain; a phase lasts at least its duration.
        long phaseEnd = p == phases.size() - 1 ? end : phaseStarts[p] + phases.get(p).duration().toNanos();
        double seconds = Math.max(phases.get(p).duration().toNanos(), phaseEnd - phaseStarts[p]) / 1e9;
        long phaseExpected = (phase.answered.get() - phase.shed.get()) * groupSize;
        double share = phases.size() == 1 ? 1 : (double) phase.delivered.get() / Math.max(1, delivered.get());
        double kafkaRate = kafkaAfter < 0 || kafkaBefore < 0 ? Double.NaN : (kafkaAfter - kafkaBefore) * share / seconds;
        results.add(new Result(groupSize, population.streams(), phases.get(p).deliveriesPerSecond(),
            phases.get(p).deliveriesPerSecond() / groupSize, phase.answered.get(), phase.shed.get(), phase.errors.get(),
            phaseExpected, phase.delivered.get(), population.duplicates(), seconds, phase.delivered.get() / seconds,
            phase.send, phase.delivery, cpuMillis * share / Math.max(1, phase.delivered.get()) * 1000, kafkaRate,
            phase.lastShedNanos.get() < 0 ? -1 : phase.lastShedNanos.get() / 1e9, storePerSend, null));
      }
      return results;
    }
  }

  private static int phaseOf(long[] firsts, int index) {
    int p = 0;
    while (index >= firsts[p + 1]) {
      p++;
    }
    return p;
  }

  /** What one phase's sends got. */
  private static final class PhaseCounts {
    final Histogram send = new ConcurrentHistogram(3);
    final Histogram delivery = new ConcurrentHistogram(3);
    final AtomicLong answered = new AtomicLong();
    final AtomicLong shed = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong lastShedNanos = new AtomicLong(-1);

    void answered(Integer status, Throwable failed, long tookNanos, long sinceStartNanos) {
      if (failed == null && status == GatewayClient.REFUSED) {
        shed.incrementAndGet();
        lastShedNanos.accumulateAndGet(sinceStartNanos, Math::max);
      } else {
        send.recordValue(Math.max(0, tookNanos));
        if (failed != null || status != 201) {
          errors.incrementAndGet();
        }
      }
      answered.incrementAndGet();
    }

    void deliveredOne(long latencyNanos) {
      delivery.recordValue(latencyNanos);
      delivered.incrementAndGet();
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

    void maybePrint(long sent, long delivered, Histogram delivery, long errors, long shed) {
      long now = System.nanoTime();
      if (now - lastPrinted >= 1_000_000_000L) {
        lastPrinted = now;
        print(sent, delivered, delivery, errors, shed);
      }
    }

    void done(long sent, long delivered, Histogram delivery, long errors, long shed) {
      print(sent, delivered, delivery, errors, shed);
    }

    private void print(long sent, long delivered, Histogram delivery, long errors, long shed) {
      System.out.printf("  [%s] %4.0fs  answered %,d  delivered %,d  delivery p99 %,d ms  refused %d  errors %d%n", label,
          (System.nanoTime() - started) / 1e9, sent, delivered, delivery.getValueAtPercentile(99) / 1_000_000, shed, errors);
    }
  }
}
