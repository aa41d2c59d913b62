package dev.chatsync.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.DoubleStream;

/**
 * The load tool (deploy/local/bench.sh runs it against a fresh local system). In one run: the raw
 * limits of the Kafka broker and the Cassandra node, /sync pages, a sweep of group sizes and
 * offered loads until delivery breaks, and the streams one sync-service instance holds. Writes
 * results.md and PNG charts to --out.
 */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    if (args.length > 0 && args[0].equals("dashboard")) {
      DashboardShot.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException badOption) {
      System.err.println("bench: " + badOption.getMessage());
      System.exit(2);
      return;
    }
    String runId = "b" + UUID.randomUUID().toString().substring(0, 6);
    GatewayClient gateway = new GatewayClient(options.gateway);
    List<GatewayClient> senders = new ArrayList<>(List.of(gateway));
    options.sendGateways.stream().map(GatewayClient::new).forEach(senders::add);

    List<LoadStep.Result> steps = new ArrayList<>();
    List<Profiler.Summary> profiles = new ArrayList<>();
    List<SyncProbe.Result> sync = List.of();
    List<Overload> overloads = new ArrayList<>();
    Rebalance rebalance = null;
    boolean loads = options.phases.contains("sweep") || options.phases.contains("profile") || options.phases.contains("sync")
        || options.phases.contains("overload") || options.phases.contains("rebalance") || options.phases.contains("large-groups");
    // The limits are measured on a warm system: a cold node measured a tenth of its warm rate.
    double idle = loads ? warmUp(senders, runId, options) : 0;
    System.out.println("== limits: Cassandra single-row inserts, Kafka ProducerPerformance");
    CassandraBaseline.Result cassandra = CassandraBaseline.run(options.cassandra, Duration.ofSeconds(options.baselineSeconds),
        runId);
    System.out.printf("  Cassandra: %,.0f inserts/s (%d errors)%n", cassandra.insertsPerSecond(), cassandra.errors());
    double kafka = options.phases.contains("kafka") ? KafkaBaseline.run(options.repo, options.kafkaPort, options.kafkaRecords)
        : Double.NaN;
    System.out.println(Double.isNaN(kafka) ? "  Kafka: not measured (phase kafka)" : String.format("  Kafka: %,.0f records/s", kafka));

    if (loads) {
      if (options.phases.contains("sync")) {
        System.out.println("== /sync pages of 100 entries");
        sync = SyncProbe.run(gateway, runId, 20, 110, options.syncRequests, SYNC_RATES);
        for (SyncProbe.Result rate : sync) {
          System.out.printf("  %,.0f/s: p50 / p99 / p99.9 %s ms, %d refused, %d errors%n", rate.perSecond(),
              Report.percentiles(rate.pages()), rate.refused(), rate.errors());
        }
      }
      if (options.phases.contains("profile")) {
        System.out.println("== profiles: async-profiler on every process while a step sends");
        profile(new LoadStep(senders, runId + "p", idle, null), options, profiles);
      }
      if (options.phases.contains("sweep")) {
        System.out.println("== delivery sweep: group sizes " + Arrays.toString(options.groupSizes) + ", offered deliveries/s "
            + Arrays.toString(options.rates) + ", then doubling, until past the limit");
        KafkaTraffic traffic = new KafkaTraffic(options.kafkaPort);
        sweep(new LoadStep(senders, runId, idle, traffic, new StoreRequests(options.messageActuators)), traffic, options, steps);
      }
      if (options.phases.contains("overload")) {
        System.out.println("== overload: twice the capacity, then half of it, back to back");
        KafkaTraffic traffic = new KafkaTraffic(options.kafkaPort);
        overload(new LoadStep(senders, runId + "o", idle, traffic, new StoreRequests(options.messageActuators)), traffic, options,
            steps, overloads);
      }
      // Last of the loads: it stops instances the phases before it used.
      if (options.phases.contains("rebalance")) {
        if (options.rebalanceCommand == null) {
          System.out.println("== rebalance: skipped (no --rebalance-command: the system runs one instance of each service)");
        } else {
          System.out.println("== rebalance: the same step twice, the second with `" + options.rebalanceCommand + "` a third in");
          // Through the first gateway only: the command may stop the instance another gateway is in front of.
          rebalance = rebalance(new LoadStep(List.of(gateway), runId + "r", idle, null), new KafkaTraffic(options.kafkaPort),
              options);
        }
      }
    }

    if (options.phases.contains("large-groups")) {
      System.out.println("== large groups: " + Arrays.toString(options.largeGroupSizes) + " members, "
          + Math.round(options.largeGroupOnline * 100) + " % online, " + options.largeGroupSends + " sends each at "
          + Arrays.toString(options.largeGroupRates) + "/s");
      String host = options.cassandra.substring(0, options.cassandra.lastIndexOf(':'));
      List<LargeGroups.Result> large = LargeGroups.run(gateway, new CassandraWrites(host, options.cassandraJmxPort), runId,
          options.largeGroupSizes, options.largeGroupOnline, options.largeGroupSends, options.largeGroupRates);
      java.nio.file.Files.createDirectories(options.out);
      String table = Report.largeGroups(large);
      java.nio.file.Files.writeString(options.out.resolve("large-groups.md"), table);
      System.out.println(table);
    }

    StreamCapacity.Result streams = null;
    if (options.phases.contains("streams")) {
      System.out.println("== idle streams through the gateway on one sync-service instance");
      List<GatewayClient> gateways = new ArrayList<>(List.of(gateway));
      options.streamGateways.stream().map(GatewayClient::new).forEach(gateways::add);
      streams = StreamCapacity.run(gateways, options.syncActuator, options.syncPid(), runId, options.streams);
    }

    Report.Run run = new Report.Run(Machine.describe(), options.command, options.instances, cassandra, kafka, sync, steps,
        profiles, streams, overloads, rebalance);
    Report.write(run, options.out);
    System.out.println();
    System.out.println(Report.markdown(run));
    System.out.println("Results: " + options.out.toAbsolutePath());
    System.exit(0);
  }

  /** The page rates {@code /sync} is measured at: the project's goal names both. */
  static final double[] SYNC_RATES = {50, 500};

  /** How long one warm-up round loads the system: half on pairs, half on groups of 100. */
  static final Duration WARM_UP_ROUND = Duration.ofSeconds(30);
  /** Two rounds in a row whose CPU per delivered entry differs by at most this share: warm. */
  static final double WARM_ENOUGH = 0.15;

  /**
   * Freshly started services spend minutes compiling hot code: on a slow two-core machine the JIT
   * compilers were still half of every service's CPU after a minute, and a step measured after
   * five minutes cost less than half the CPU per delivery of the same step after one. So load
   * that is thrown away comes first, on each path the measurements take (sends into pairs, fanout
   * into large groups), in rounds, until the machine's CPU per delivered entry settles (two
   * rounds in a row within {@link #WARM_ENOUGH}), for at least {@code --warm-up-seconds} and at
   * most {@code --warm-up-max-seconds}; then {@code /sync} pages, then the idle system's CPU, which
   * every step's cost leaves out, read once compiling has settled.
   *
   * @return the idle system's busy CPU ms a second
   */
  private static double warmUp(List<GatewayClient> senders, String runId, Options options) throws Exception {
    System.out.println("== warm-up (not counted)");
    Duration half = WARM_UP_ROUND.dividedBy(2);
    long started = System.nanoTime();
    double previous = Double.NaN;
    for (int round = 1; ; round++) {
      double cpuFrom = Cpu.busyMillis();
      LoadStep.Result pairs = new LoadStep(senders, runId + "w2r" + round, 0, null)
          .run(2, Math.max(1, options.onlineUsers / 2), 200, half);
      LoadStep.Result groups = new LoadStep(senders, runId + "w100r" + round, 0, null)
          .run(100, Math.max(1, options.onlineUsers / 100), 2_000, half);
      double perThousand = (Cpu.busyMillis() - cpuFrom) / Math.max(1, pairs.delivered() + groups.delivered()) * 1000;
      long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
      boolean settled = Math.abs(perThousand - previous) <= WARM_ENOUGH * Math.max(perThousand, previous);
      System.out.printf("  round %d (%d s): %,.0f CPU ms per 1k delivered entries%s%n", round, seconds, perThousand,
          settled ? ", within " + Math.round(WARM_ENOUGH * 100) + " % of the round before" : "");
      if (settled && seconds >= options.warmUpSeconds || seconds >= options.warmUpMaxSeconds) {
        if (!settled) {
          System.out.println("  not settled within --warm-up-max-seconds: the figures may still include compiling");
        }
        break;
      }
      previous = perThousand;
    }
    if (options.phases.contains("sync")) {
      SyncProbe.run(senders.get(0), runId + "w", 20, 110, Math.max(50, options.syncRequests / 4), 50);
    }
    double idle = settledIdleCpu();
    System.out.printf("  idle system: %.0f CPU ms a second%n", idle);
    return idle;
  }

  /** Busy CPU a second over 5 s windows, until two in a row agree within 20 % (at most a minute). */
  private static double settledIdleCpu() throws InterruptedException {
    double previous = Double.MAX_VALUE;
    for (int window = 0; ; window++) {
      double from = Cpu.busyMillis();
      Thread.sleep(5_000);
      double idle = (Cpu.busyMillis() - from) / 5;
      System.out.printf("  idle window %d: %.0f CPU ms a second%n", window + 1, idle);
      if (Math.abs(idle - previous) <= 0.2 * Math.max(idle, previous) || window == 11) {
        return Math.min(idle, previous);
      }
      previous = idle;
    }
  }

  /** A step per {@code --profile} entry with every process of the system under async-profiler. */
  private static void profile(LoadStep load, Options options, List<Profiler.Summary> profiles) throws Exception {
    for (ProfiledStep profiled : options.profile) {
      int groupSize = profiled.groupSize();
      double rate = profiled.offeredDeliveries();
      String label = "group" + groupSize + "-" + Math.round(rate);
      Profiler profiler = Profiler.forSystem(options.runDir, options.out.resolve("profiles"), label);
      if (profiler == null) {
        return;
      }
      LoadStep.Result step = load.run(groupSize, Math.max(1, options.onlineUsers / groupSize), rate,
          Duration.ofSeconds(options.stepSeconds), profiler);
      Profiler.Summary summary = profiler.summary();
      profiles.add(summary);
      System.out.printf("  group %d, %,.0f offered (profiled, not in the table): delivered %,.0f/s, delivery %s ms%n",
          groupSize, rate, step.deliveredPerSecond(), Report.percentiles(step.delivery()));
      System.out.print(Report.profile(summary));
    }
  }

  /** Each group size at rising offered loads, until a step is past the limit. */
  private static void sweep(LoadStep load, KafkaTraffic traffic, Options options, List<LoadStep.Result> steps)
      throws Exception {
    for (int groupSize : options.groupSizes) {
      int groups = Math.max(1, options.onlineUsers / groupSize);
      for (double rate : sweepRates(options.rates).toArray()) {
        // A step starts on an idle fanout: the backlog of the step before (the warm-up's, or a
        // step past the limit) would otherwise be counted against this one.
        Duration drained = traffic.awaitDrained(Duration.ofMinutes(3));
        if (drained.toSeconds() >= 1) {
          System.out.printf("  (waited %d s for the fanout to drain the previous step)%n", drained.toSeconds());
        }
        List<LoadStep.Result> runs = new ArrayList<>();
        for (int run = 0; run < options.runsPerStep; run++) {
          if (run > 0) {
            traffic.awaitDrained(Duration.ofMinutes(3));
          }
          runs.add(load.run(groupSize, groups, rate, Duration.ofSeconds(options.stepSeconds)));
        }
        LoadStep.Result step = LoadStep.Spread.medianOf(runs);
        steps.add(step);
        System.out.printf("  group %d x %d, %,.0f offered: delivered %,.0f/s, send p99 %s, delivery %s ms, CPU %.1f ms/1k, "
                + "Cassandra requests a send %s%s%n", groupSize, groups, rate, step.deliveredPerSecond(),
            Report.percentiles(step.send()), Report.percentiles(step.delivery()), step.cpuMillisPerThousand(),
            Report.storeRequests(step.storeRequestsPerSend()), step.broken() ? " -- past the limit" : "");
        if (step.spread() != null && step.spread().runs() > 1) {
          System.out.printf("    over %d runs: delivery p99 %s, delivered/s %s%n", step.spread().runs(),
              Report.range(step.spread().p99MinMillis(), step.spread().p99MaxMillis()),
              Report.range(step.spread().deliveredMin(), step.spread().deliveredMax()));
        }
        if (step.broken()) {
          break;
        }
      }
    }
  }

  /**
   * The most a sweep goes past its last given rate, doubling it each step: a sweep ends at the
   * limit, not at the top of the list, and this many doublings (64 times the last rate) only
   * stop one that a mistake (say, a broken delivery count) never lets end.
   */
  static final int MAX_DOUBLINGS = 6;

  /** The given rates, then the last one doubled, up to {@link #MAX_DOUBLINGS} times. */
  static DoubleStream sweepRates(double[] given) {
    double last = given[given.length - 1];
    return DoubleStream.concat(Arrays.stream(given),
        DoubleStream.iterate(last * 2, rate -> rate * 2).limit(MAX_DOUBLINGS));
  }

  /** A group size's capacity, a step at twice it and the step at half of it that followed. */
  record Overload(int groupSize, double capacity, LoadStep.Result twice, LoadStep.Result half) {}

  /**
   * For each {@code --overload-group-sizes} entry: its capacity (the highest offered load the sweep
   * found within the limit, else {@code --overload-capacity}), then twice that and half of it, the
   * second starting as the first stops sending. A system that sheds load keeps the admitted sends'
   * latencies and recovers within seconds; one that queues carries the backlog into the half step.
   */
  private static void overload(LoadStep load, KafkaTraffic traffic, Options options, List<LoadStep.Result> swept,
      List<Overload> overloads) throws Exception {
    for (int groupSize : options.overloadGroupSizes) {
      double capacity = swept.stream().filter(step -> step.groupSize() == groupSize && !step.broken())
          .mapToDouble(LoadStep.Result::offeredDeliveriesPerSecond).max().orElse(options.overloadCapacity);
      if (Double.isNaN(capacity)) {
        System.out.printf("  group %d: no capacity (run the sweep for it, or give --overload-capacity)%n", groupSize);
        continue;
      }
      traffic.awaitDrained(Duration.ofMinutes(3));
      Duration step = Duration.ofSeconds(options.stepSeconds);
      List<LoadStep.Result> results = load.run(groupSize, Math.max(1, options.onlineUsers / groupSize),
          List.of(new LoadStep.Phase(2 * capacity, step), new LoadStep.Phase(capacity / 2, step)), LoadStep.Window.NONE);
      Overload result = new Overload(groupSize, capacity, results.get(0), results.get(1));
      overloads.add(result);
      for (LoadStep.Result phase : results) {
        System.out.printf("  group %d, %,.0f offered (capacity %,.0f): admitted %,.1f sends/s, refused %d of %d (last at %.1f s), "
                + "send p99 %s, delivery %s ms%n", groupSize, phase.offeredDeliveriesPerSecond(), capacity,
            phase.admittedSendsPerSecond(), phase.shed(), phase.sent(), phase.lastShedSeconds(),
            Report.percentiles(phase.send()), Report.percentiles(phase.delivery()));
      }
    }
  }

  /** The same step without and with a rebalance; {@code atSeconds} is when the command ran, from the step's start. */
  record Rebalance(String command, double atSeconds, double tookSeconds, int exitStatus, LoadStep.Result plain,
      LoadStep.Result during) {}

  /**
   * What moving work between instances costs the users: one step as it is, then the same step
   * (fresh groups, same rate) with {@code --rebalance-command} run a third of the way in, e.g.
   * stopping the second message-service and fanout-service instances, whose send slots and
   * partitions the first then takes over. The two rows side by side are the price of the handover.
   */
  private static Rebalance rebalance(LoadStep load, KafkaTraffic traffic, Options options) throws Exception {
    int groupSize = options.rebalance.groupSize();
    double rate = options.rebalance.offeredDeliveries();
    int groups = Math.max(1, options.onlineUsers / groupSize);
    Duration step = Duration.ofSeconds(options.stepSeconds);
    traffic.awaitDrained(Duration.ofMinutes(3));
    LoadStep.Result plain = load.run(groupSize, groups, rate, step);
    traffic.awaitDrained(Duration.ofMinutes(3));
    CommandAfter command = new CommandAfter(options.rebalanceCommand, step.dividedBy(3), options.repo);
    LoadStep.Result during = load.run(groupSize, groups, rate, step, command);
    Rebalance result = new Rebalance(options.rebalanceCommand, command.startedSeconds(), command.tookSeconds(),
        command.exitStatus(), plain, during);
    for (LoadStep.Result row : List.of(plain, during)) {
      System.out.printf("  group %d, %,.0f offered%s: delivered %,.0f/s, send p99 %s, delivery %s ms, errors %d, refused %d%n",
          groupSize, rate, row == plain ? "" : String.format(" (command at %.1f s, exit %d, took %.1f s)",
              result.atSeconds(), result.exitStatus(), result.tookSeconds()),
          row.deliveredPerSecond(), Report.percentiles(row.send()), Report.percentiles(row.delivery()), row.sendErrors(),
          row.shed());
    }
    return result;
  }

  /** Runs a shell command a while after a step's sends begin, in the background; the step waits for it at its end. */
  private static final class CommandAfter implements LoadStep.Window {
    private final String command;
    private final Duration delay;
    private final Path directory;
    private Thread runner;
    private volatile long openedNanos;
    private volatile long startedNanos;
    private volatile long endedNanos;
    private volatile int exitStatus = -1;

    CommandAfter(String command, Duration delay, Path directory) {
      this.command = command;
      this.delay = delay;
      this.directory = directory;
    }

    @Override
    public void opened() {
      openedNanos = System.nanoTime();
      runner = new Thread(() -> {
        try {
          Thread.sleep(delay.toMillis());
          startedNanos = System.nanoTime();
          Process process = new ProcessBuilder("bash", "-c", command).directory(directory.toFile()).inheritIO().start();
          exitStatus = process.waitFor();
        } catch (Exception failed) {
          System.out.println("  the rebalance command failed: " + failed);
        } finally {
          endedNanos = System.nanoTime();
        }
      }, "rebalance-command");
      runner.start();
    }

    @Override
    public void closed() {
      try {
        runner.join();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    double startedSeconds() {
      return startedNanos == 0 ? Double.NaN : (startedNanos - openedNanos) / 1e9;
    }

    double tookSeconds() {
      return startedNanos == 0 ? Double.NaN : (endedNanos - startedNanos) / 1e9;
    }

    int exitStatus() {
      return exitStatus;
    }
  }

  /** A {@code --profile} entry. */
  record ProfiledStep(int groupSize, double offeredDeliveries) {

    static ProfiledStep parse(String entry) {
      String[] sizeAndRate = entry.split(":");
      try {
        if (sizeAndRate.length == 2) {
          return new ProfiledStep(Integer.parseInt(sizeAndRate[0]), Double.parseDouble(sizeAndRate[1]));
        }
      } catch (NumberFormatException notANumber) {
        // the message below says what is expected
      }
      throw new IllegalArgumentException("--profile and --rebalance expect groupSize:offeredDeliveries (--profile a list: "
          + "2:250,100:4000); got " + entry);
    }
  }

  /** {@code --name value} options; see deploy/local/bench.sh for the defaults it passes. */
  static final class Options {
    String gateway = "http://127.0.0.1:8080";
    String syncActuator = "http://127.0.0.1:8083";
    /** Every message-service instance's actuator: the store requests a send costs are summed over them. */
    List<String> messageActuators = List.of("http://127.0.0.1:8081");
    /** Further gateway instances sends are spread over, beside --gateway (each group always through one). */
    List<String> sendGateways = List.of();
    /** How many instances of message-service and fanout-service the system runs: the report says so. */
    int instances = 1;
    /** Run a third into the rebalance phase's second step; without it that phase is skipped. */
    String rebalanceCommand;
    /** The rebalance phase's step, as groupSize:offeredDeliveries. */
    ProfiledStep rebalance = new ProfiledStep(2, 250);
    String cassandra = "127.0.0.1:9042";
    int kafkaPort = 9092;
    Path repo = Path.of(".");
    Path out = Path.of("benchmarks/results/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    int[] groupSizes = {2, 10, 100, 1000};
    double[] rates = {250, 500, 1000, 2000, 4000, 8000};
    int onlineUsers = 200;
    int stepSeconds = 15;
    /** How often each sweep step runs; the table shows the median run and the spread of all. */
    int runsPerStep = 2;
    /** The shortest warm-up; it goes on until the CPU per delivery settles, up to the longest. */
    int warmUpSeconds = 120;
    int warmUpMaxSeconds = 600;
    int baselineSeconds = 10;
    int kafkaRecords = 500_000;
    int syncRequests = 1_000;
    int streams = 10_000;
    String command = "deploy/local/bench.sh";
    Path syncPidFile;
    /** Where deploy/local keeps the processes' pid files, for the profiler. */
    Path runDir = Path.of(".local-data/bench/run");
    /** Further gateway instances the idle streams are spread over, beside --gateway. */
    List<String> streamGateways = List.of();
    /** Steps run under the profiler, given as groupSize:offeredDeliveries. */
    List<ProfiledStep> profile = List.of(new ProfiledStep(2, 250), new ProfiledStep(100, 4_000));
    /** The raw Cassandra rate is always measured: every ratio needs it. */
    /** The overload phase's group sizes, and their capacity (offered deliveries/s) when no sweep measured it. */
    int[] overloadGroupSizes = {2, 100};
    double overloadCapacity = Double.NaN;
    static final java.util.Set<String> PHASES = java.util.Set.of("kafka", "sync", "profile", "sweep", "overload", "rebalance",
        "streams", "large-groups");
    /** Every phase but large-groups, which creates a group of 100,000 members through the API (tens of minutes here). */
    java.util.Set<String> phases = PHASES.stream().filter(phase -> !phase.equals("large-groups"))
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    /**
     * The large-groups phase: group sizes (the first at or below the read-fanout threshold), online
     * share, sends per group, and the offered sends/s per group (one value: every group): write
     * fanout to 1,000 members takes a few sends a second here, read fanout far more.
     */
    int[] largeGroupSizes = {1_000, 10_000, 100_000};
    double largeGroupOnline = 0.05;
    int largeGroupSends = 1_000;
    double[] largeGroupRates = {4, 20, 20};
    /** Cassandra's JMX port (host of --cassandra): the large-groups phase counts the node's writes there. */
    int cassandraJmxPort = 7199;

    Long syncPid() {
      try {
        return syncPidFile == null ? null : Long.parseLong(java.nio.file.Files.readString(syncPidFile).strip());
      } catch (java.io.IOException | NumberFormatException unreadable) {
        return null;
      }
    }

    private static java.util.Set<String> phases(String value) {
      java.util.Set<String> phases = java.util.Set.of(value.split(","));
      for (String phase : phases) {
        if (!PHASES.contains(phase)) {
          throw new IllegalArgumentException("unknown phase " + phase + " in --phases; the phases are " + PHASES);
        }
      }
      return phases;
    }

    static Options parse(String[] args) {
      Map<String, String> given = new HashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 == args.length) {
          throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
        }
        given.put(args[i].substring(2), args[++i]);
      }
      Options options = new Options();
      given.forEach((name, value) -> {
        switch (name) {
          case "gateway" -> options.gateway = value;
          case "sync-actuator" -> options.syncActuator = value;
          case "message-actuator" -> options.messageActuators = List.of(value.split(","));
          case "send-gateways" -> options.sendGateways = List.of(value.split(","));
          case "instances" -> options.instances = Integer.parseInt(value);
          case "rebalance-command" -> options.rebalanceCommand = value;
          case "rebalance" -> options.rebalance = ProfiledStep.parse(value);
          case "cassandra" -> options.cassandra = value;
          case "kafka-port" -> options.kafkaPort = Integer.parseInt(value);
          case "repo" -> options.repo = Path.of(value);
          case "out" -> options.out = Path.of(value);
          case "group-sizes" -> options.groupSizes = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
          case "rates" -> options.rates = Arrays.stream(value.split(",")).mapToDouble(Double::parseDouble).toArray();
          case "online-users" -> options.onlineUsers = Integer.parseInt(value);
          case "step-seconds" -> options.stepSeconds = Integer.parseInt(value);
          case "runs-per-step" -> options.runsPerStep = Math.max(1, Integer.parseInt(value));
          case "warm-up-seconds" -> options.warmUpSeconds = Integer.parseInt(value);
          case "warm-up-max-seconds" -> options.warmUpMaxSeconds = Integer.parseInt(value);
          case "baseline-seconds" -> options.baselineSeconds = Integer.parseInt(value);
          case "kafka-records" -> options.kafkaRecords = Integer.parseInt(value);
          case "sync-requests" -> options.syncRequests = Integer.parseInt(value);
          case "streams" -> options.streams = Integer.parseInt(value);
          case "command" -> options.command = value;
          case "phases" -> options.phases = phases(value);
          case "sync-pid-file" -> options.syncPidFile = Path.of(value);
          case "stream-gateways" -> options.streamGateways = List.of(value.split(","));
          case "overload-group-sizes" -> options.overloadGroupSizes = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt)
              .toArray();
          case "overload-capacity" -> options.overloadCapacity = Double.parseDouble(value);
          case "run-dir" -> options.runDir = Path.of(value);
          case "profile" -> options.profile = Arrays.stream(value.split(",")).map(ProfiledStep::parse).toList();
          case "large-group-sizes" -> options.largeGroupSizes = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
          case "large-group-online" -> options.largeGroupOnline = Double.parseDouble(value);
          case "large-group-sends" -> options.largeGroupSends = Integer.parseInt(value);
          case "large-group-rates" -> options.largeGroupRates = Arrays.stream(value.split(",")).mapToDouble(Double::parseDouble).toArray();
          case "cassandra-jmx-port" -> options.cassandraJmxPort = Integer.parseInt(value);
          default -> throw new IllegalArgumentException("unknown option --" + name);
        }
      });
      return options;
    }
  }
}
