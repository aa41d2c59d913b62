package dev.chatsync.bench;

import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The run's figures as a Markdown table and PNG charts. */
final class Report {

  /**
   * @param instances how many instances of message-service and fanout-service ran
   * @param rebalance the rebalance phase's two steps, or null
   */
  record Run(String machine, String command, int instances, CassandraBaseline.Result cassandra, double kafkaRecordsPerSecond,
      List<SyncProbe.Result> sync, List<LoadStep.Result> steps, List<Profiler.Summary> profiles, StreamCapacity.Result streams,
      List<Bench.Overload> overloads, Bench.Rebalance rebalance) {}

  private Report() {}

  static String markdown(Run run) {
    StringBuilder md = new StringBuilder();
    md.append("Machine: ").append(run.machine()).append("\n\nCommand: `").append(run.command()).append("`\n\n");
    md.append(run.instances() == 1
        ? "Instances: one of each service (a second gateway holds half of the idle streams).\n\n"
        : String.format("Instances: %d of message-service and of fanout-service, sends spread over %d gateways (each in front "
            + "of its own message-service; a send reaching the instance that does not own its conversation is forwarded "
            + "once), one sync-service.%n%n", run.instances(), run.instances()));
    md.append("### Limits, measured in the same run\n\n");
    md.append("| limit | figure |\n| --- | --- |\n");
    md.append(String.format("| Cassandra single-row inserts/s (inbox table, TTL, LOCAL_QUORUM, %d in flight) | %,.0f |%n",
        CassandraBaseline.IN_FLIGHT, run.cassandra().insertsPerSecond()));
    md.append(String.format("| Kafka ProducerPerformance records/s (200 B, acks=all) | %,.0f |%n%n", run.kafkaRecordsPerSecond()));

    md.append("### Delivery: fixed send rate, every member online with one SSE stream\n\n");
    md.append("Latencies in ms from each message's intended send time. Delivery = send to the SSE event on a member's "
        + "stream. CPU = the whole machine's busy CPU (all processes, the load tool included) per 1,000 delivered entries, "
        + "less what the idle system used in the same time.\n\n");
    md.append("| group | streams | offered deliveries/s | sends/s | delivered/s | of raw inserts | Kafka records/s (of raw) | "
        + "send p50 / p99 / p99.9 | delivery p50 / p99 / p99.9 | runs: delivery p99, delivered/s (lowest-highest) | CPU ms / 1k | "
        + "Cassandra requests / send | errors | repeats | |\n");
    md.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | ---: | --- | ---: | ---: | --- |\n");
    for (LoadStep.Result step : run.steps()) {
      md.append(String.format("| %d | %,d | %,.0f | %,.1f | %,.0f | %.0f %% | %s | %s | %s | %s | %.1f | %s | %d | %d | %s |%n",
          step.groupSize(), step.streams(), step.offeredDeliveriesPerSecond(), step.sendsPerSecond(), step.deliveredPerSecond(),
          100 * step.deliveredPerSecond() / run.cassandra().insertsPerSecond(),
          ofLimit(step.kafkaRecordsPerSecond(), run.kafkaRecordsPerSecond()), percentiles(step.send()),
          percentiles(step.delivery()), spread(step.spread()), step.cpuMillisPerThousand(),
          storeRequests(step.storeRequestsPerSend()),
          step.sendErrors() + step.shed(), step.duplicates(),
          step.broken() ? "**past the limit**" : "ok"));
    }
    if (!run.overloads().isEmpty()) {
      md.append("\n### Overload: twice the capacity, then half of it\n\n");
      md.append("Capacity: the highest offered load of the sweep within the limit. The half step starts as the double one "
          + "stops sending. Refused: 503 `overloaded` with Retry-After, nothing stored (not retried here). Latencies of the "
          + "admitted sends, in ms from their intended send time.\n\n");
      md.append("| group | capacity (deliveries/s) | step | offered sends/s | admitted sends/s | refused | last refusal | "
          + "send p50 / p99 / p99.9 | delivery p50 / p99 / p99.9 | errors |\n");
      md.append("| ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- | ---: |\n");
      for (Bench.Overload overload : run.overloads()) {
        for (LoadStep.Result step : List.of(overload.twice(), overload.half())) {
          md.append(String.format("| %d | %,.0f | %s | %,.1f | %,.1f | %,d of %,d | %s | %s | %s | %d |%n", overload.groupSize(),
              overload.capacity(), step == overload.twice() ? "2x" : "1/2", step.sendsPerSecond(), step.admittedSendsPerSecond(),
              step.shed(), step.sent(), step.lastShedSeconds() < 0 ? "none" : String.format("%.1f s in", step.lastShedSeconds()),
              percentiles(step.send()), percentiles(step.delivery()), step.sendErrors()));
        }
      }
    }
    Bench.Rebalance rebalance = run.rebalance();
    if (rebalance != null) {
      md.append("\n### Rebalance: the same step without and with a handover\n\n");
      md.append(String.format("Sends through the first gateway only. The second step ran `%s` %.1f s in (exit status %d, "
              + "%.1f s): the first instances take over the send slots and partitions the stopped ones held. Fresh groups "
              + "each step.%n%n", rebalance.command(), rebalance.atSeconds(), rebalance.exitStatus(), rebalance.tookSeconds()));
      md.append("| step | group | offered deliveries/s | delivered/s | send p50 / p99 / p99.9 | delivery p50 / p99 / p99.9 | "
          + "errors | refused | repeats |\n");
      md.append("| --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |\n");
      for (LoadStep.Result step : List.of(rebalance.plain(), rebalance.during())) {
        md.append(String.format("| %s | %d | %,.0f | %,.0f | %s | %s | %d | %d | %d |%n",
            step == rebalance.plain() ? "as it is" : "with the handover", step.groupSize(), step.offeredDeliveriesPerSecond(),
            step.deliveredPerSecond(), percentiles(step.send()), percentiles(step.delivery()), step.sendErrors(), step.shed(),
            step.duplicates()));
      }
    }
    md.append("\n### Sync and streams\n\n| figure | value |\n| --- | --- |\n");
    for (SyncProbe.Result rate : run.sync()) {
      md.append(String.format("| `/sync` 100-entry page p50 / p99 / p99.9 (ms) of the pages served, %,d requests at %,.0f/s "
              + "| %s; %,d refused (503 overloaded), %,d errors |%n", rate.requests(), rate.perSecond(),
          percentiles(rate.pages()), rate.refused(), rate.errors()));
    }
    StreamCapacity.Result streams = run.streams();
    if (streams != null) {
      md.append(String.format("| idle SSE streams held by one sync-service instance (asked %,d, opened at %d/s through %d "
              + "gateway instance%s) | %,d open, %,d failed |%n", streams.asked(), StreamCapacity.OPENS_PER_SECOND,
          streams.gateways(), streams.gateways() == 1 ? "" : "s", streams.open(), streams.failed()));
      md.append(String.format("| its heap without / with them | %.0f MB / %.0f MB |%n", streams.heapBeforeMb(),
          streams.heapWithStreamsMb()));
    }
    if (!run.profiles().isEmpty()) {
      md.append("\n### Where the CPU goes\n\n");
      md.append("async-profiler (CPU samples of every thread, JVM and kernel included) on every process while a step sends; "
          + "flame graphs in the results folder's `profiles/`. A layer is the innermost library on a sample's stack; "
          + "our methods count everything they call.\n\n");
      run.profiles().forEach(summary -> md.append(profile(summary)).append('\n'));
    }
    return md.toString();
  }

  /** "lowest-highest" of two figures, rounded. */
  static String range(double lowest, double highest) {
    return String.format("%,.0f-%,.0f", lowest, highest);
  }

  private static String spread(LoadStep.Spread spread) {
    if (spread == null || spread.runs() < 2) {
      return "1 run";
    }
    return String.format("%d: %s ms, %s", spread.runs(), range(spread.p99MinMillis(), spread.p99MaxMillis()),
        range(spread.deliveredMin(), spread.deliveredMax()));
  }

  /** message-service's Cassandra requests per send: reads, writes, conditional writes and serial reads. */
  static String storeRequests(double[] perSend) {
    if (perSend == null || Double.isNaN(perSend[0])) {
      return "n/a";
    }
    return String.format("%.1f r + %.1f w + %.1f LWT + %.1f serial r", perSend[0], perSend[1], perSend[2], perSend[3]);
  }

  /** A profiled step: each process's share of the machine's samples, its layers and its costliest methods of ours. */
  static String profile(Profiler.Summary summary) {
    StringBuilder md = new StringBuilder();
    md.append("#### ").append(summary.step()).append(String.format(" (%,d samples)%n%n", summary.totalSamples()));
    md.append("| process | of all samples | layers (of the process) | our costliest methods (of the process) |\n");
    md.append("| --- | ---: | --- | --- |\n");
    for (Profiler.ProcessProfile process : summary.processes()) {
      md.append(String.format("| %s | %.0f %% | %s | %s |%n", process.process(),
          100.0 * process.samples() / Math.max(1, summary.totalSamples()), shares(process.byLayer(), process.samples(), 6),
          shares(process.ourMethods(), process.samples(), 4)));
    }
    return md.toString();
  }

  private static String shares(Map<String, Long> counts, long total, int limit) {
    StringBuilder text = new StringBuilder();
    counts.entrySet().stream().limit(limit).forEach(entry -> {
      String name = entry.getKey().replaceFirst("^dev/chatsync/", "").replace('/', '.').replace("|", "/");
      text.append(text.isEmpty() ? "" : ", ").append(String.format("%s %.0f %%", name, 100.0 * entry.getValue() / Math.max(1, total)));
    });
    return text.isEmpty() ? "-" : text.toString();
  }

  private static String ofLimit(double figure, double limit) {
    if (Double.isNaN(figure)) {
      return "-";
    }
    return Double.isNaN(limit) ? String.format("%,.0f", figure) : String.format("%,.0f (%.1f %%)", figure, 100 * figure / limit);
  }

  /** p50 / p99 of sorted milliseconds. */
  static String percentiles(java.util.List<Long> sortedMillis) {
    if (sortedMillis.isEmpty()) {
      return "-";
    }
    return String.format("%,d / %,d", at(sortedMillis, 50), at(sortedMillis, 99));
  }

  private static long at(java.util.List<Long> sorted, double percentile) {
    return sorted.get(Math.max(0, (int) Math.ceil(percentile / 100 * sorted.size()) - 1));
  }

  /** The large-groups phase as a table, a row per group (the first is the write-fanout baseline). */
  static String largeGroups(java.util.List<LargeGroups.Result> results) {
    StringBuilder table = new StringBuilder("| members | online (streams) | created (members/s) | sends/s taken of offered | push p50 / p99 ms "
        + "| pushes | CPU ms per send | Cassandra writes per send | offline catch-up |\n| --- | --- | --- | --- | --- | --- | --- | --- "
        + "| --- |\n");
    for (LargeGroups.Result r : results) {
      table.append(String.format("| %,d | %,d | %,.0f | %.1f of %.0f | %s | %,d | %.1f | %.1f | %,d messages in %,.0f ms |%n",
          r.members(), r.online(), r.members() / r.createSeconds(), r.sendsPerSecond(), r.offeredPerSecond(),
          percentiles(r.pushMillis()), r.pushes(),
          r.cpuMillisPerSend(), r.writesPerSend(), r.caughtUp(), r.catchUpMillis()));
    }
    return table.toString();
  }

  static String percentiles(Histogram histogram) {
    if (histogram.getTotalCount() == 0) {
      return "-";
    }
    return String.format("%s / %s / %s", millis(histogram, 50), millis(histogram, 99), millis(histogram, 99.9));
  }

  private static String millis(Histogram histogram, double percentile) {
    double value = histogram.getValueAtPercentile(percentile) / 1e6;
    return value < 10 ? String.format("%.1f", value) : String.format("%,.0f", value);
  }

  /** Delivery p99 against offered load, a line per group size; CPU per delivered entry against group size. */
  static void charts(Run run, Path folder) throws IOException {
    Map<Integer, XYSeries> latency = new TreeMap<>();
    Map<Double, XYSeries> cost = new TreeMap<>();
    for (LoadStep.Result step : run.steps()) {
      latency.computeIfAbsent(step.groupSize(), size -> new XYSeries("group of " + size))
          .add(step.offeredDeliveriesPerSecond(), step.delivery().getValueAtPercentile(99) / 1e6);
      cost.computeIfAbsent(step.offeredDeliveriesPerSecond(), rate -> new XYSeries(String.format("%,.0f deliveries/s", rate)))
          .add(step.groupSize(), step.cpuMillisPerThousand());
    }
    XYSeriesCollection latencySeries = new XYSeriesCollection();
    latency.values().forEach(latencySeries::addSeries);
    JFreeChart latencyChart = ChartFactory.createXYLineChart("Send-to-SSE delivery p99 (past 1 s: past the limit)",
        "offered deliveries/s", "p99 (ms)", latencySeries, PlotOrientation.VERTICAL, true, false, false);
    style(latencyChart, "offered deliveries/s", true);
    ChartUtils.saveChartAsPNG(folder.resolve("delivery-p99.png").toFile(), latencyChart, 900, 500);

    XYSeriesCollection costSeries = new XYSeriesCollection();
    cost.values().stream().filter(series -> series.getItemCount() > 1).forEach(costSeries::addSeries);
    JFreeChart costChart = ChartFactory.createXYLineChart("CPU per 1,000 delivered entries, idle CPU taken out",
        "group size", "CPU ms", costSeries, PlotOrientation.VERTICAL, true, false, false);
    style(costChart, "group size", false);
    ChartUtils.saveChartAsPNG(folder.resolve("cost-per-delivery.png").toFile(), costChart, 900, 500);
  }

  /** A log x axis labelled with plain numbers, points marked, on white. */
  private static void style(JFreeChart chart, String xLabel, boolean logY) {
    XYPlot plot = chart.getXYPlot();
    LogAxis x = new LogAxis(xLabel);
    x.setNumberFormatOverride(new DecimalFormat("#,##0"));
    x.setBase(10);
    plot.setDomainAxis(x);
    if (logY) {
      LogAxis y = new LogAxis(plot.getRangeAxis().getLabel());
      y.setNumberFormatOverride(new DecimalFormat("#,##0"));
      plot.setRangeAxis(y);
    }
    plot.setRenderer(new XYLineAndShapeRenderer(true, true));
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
  }

  static void write(Run run, Path folder) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("results.md"), markdown(run));
    if (!run.steps().isEmpty()) {
      charts(run, folder);
    }
  }
}
