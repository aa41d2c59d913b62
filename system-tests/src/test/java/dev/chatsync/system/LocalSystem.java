package dev.chatsync.system;

import dev.chatsync.testinfra.RealInfrastructure;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.springframework.util.FileSystemUtils;

/**
 * The four services as real processes from their packaged jars, started and stopped with the
 * project's own launcher (deploy/local/services.sh) on free ports, against the Kafka broker and
 * Cassandra node the test command started (CHAT_KAFKA_PORT, CHAT_CASSANDRA_PORT).
 */
final class LocalSystem implements AutoCloseable {

  static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  private final Map<String, String> env = new HashMap<>();
  private final Path dataDir;

  final int gatewayPort;
  final int messagePort;
  final int syncPort;
  final int fanoutPort;

  private LocalSystem(String name) throws IOException {
    dataDir = REPO.resolve("system-tests/target/" + name);
    // The launcher appends to its logs: a run reads only its own lines.
    FileSystemUtils.deleteRecursively(dataDir.resolve("logs"));
    gatewayPort = freePort();
    messagePort = freePort();
    env.put("CHAT_DATA_DIR", dataDir.toString());
    env.put("CHAT_GATEWAY_PORT", Integer.toString(gatewayPort));
    env.put("CHAT_MESSAGE_PORT", Integer.toString(messagePort));
    fanoutPort = freePort();
    env.put("CHAT_FANOUT_PORT", Integer.toString(fanoutPort));
    syncPort = freePort();
    env.put("CHAT_SYNC_PORT", Integer.toString(syncPort));
    // The checkers and the load send far faster than one person does: the gateways' rate limits
    // are off here, and on in the one test of them (ThinSliceIT), on a gateway of its own.
    env.put("CHAT_RATELIMITS_ENABLED", "false");
    // Under -Dchat.infra=testcontainers the broker and the node are containers on mapped ports:
    // the launcher is told where, instead of deriving it from its port settings.
    if (RealInfrastructure.usesContainers()) {
      env.put("CHAT_KAFKA_BOOTSTRAP", System.getProperty("spring.kafka.bootstrap-servers"));
      env.put("CHAT_CASSANDRA_CONTACT_POINTS", System.getProperty("spring.cassandra.contact-points"));
    }
  }

  /** Starts the four services; {@code name} keeps the logs and pid files of one test class apart. */
  static LocalSystem start(String name) throws Exception {
    return start(name, Map.of());
  }

  /** As {@link #start(String)}, with {@code settings} given to every service (environment variables). */
  static LocalSystem start(String name, Map<String, String> settings) throws Exception {
    LocalSystem system = new LocalSystem(name);
    system.env.putAll(settings);
    try {
      system.run(300, Map.of(), "deploy/local/services.sh", "start");
    } catch (Exception failed) {
      system.close();
      throw failed;
    }
    return system;
  }

  /**
   * The four services and a second sync-service, with the gateways routing each user's stream to
   * one of the two by the user's notification partition; {@code settings} are given to every
   * service (environment variables).
   */
  static LocalSystem startRoutingStreamsOverTwo(String name, Map<String, String> settings) throws Exception {
    LocalSystem system = new LocalSystem(name);
    system.env.putAll(settings);
    int secondSync = freePort();
    system.env.put("CHAT_STREAM_ROUTING_PORTS", system.syncPort + "," + secondSync);
    try {
      system.run(300, Map.of(), "deploy/local/services.sh", "start");
      system.run(300, Map.of(), "deploy/local/services.sh", "start-instance", "sync-service", "sync-service-2",
          Integer.toString(secondSync));
    } catch (Exception failed) {
      system.close();
      throw failed;
    }
    system.secondSyncPort = secondSync;
    return system;
  }

  int secondSyncPort;

  /** The services' log files, one per instance. */
  Path logs() {
    return dataDir.resolve("logs");
  }

  String gateway() {
    return gateway(gatewayPort);
  }

  static String gateway(int port) {
    return "http://127.0.0.1:" + port + "/api/v1";
  }

  /** One more instance of a service; {@code overrides} change the launcher's settings for it. */
  int startInstance(String service, String instance, Map<String, String> overrides) throws Exception {
    int port = freePort();
    run(300, overrides, "deploy/local/services.sh", "start-instance", service, instance, Integer.toString(port));
    return port;
  }

  void startService(String service) throws Exception {
    run(300, Map.of(), "deploy/local/services.sh", "start", service);
  }

  void stopService(String service) throws Exception {
    run(120, Map.of(), "deploy/local/services.sh", "stop", service);
  }

  /**
   * SIGKILL: the process gets no chance to finish what it is doing or to leave its consumer group.
   * Returns once it is gone.
   */
  void kill(String instance) throws Exception {
    var process = ProcessHandle.of(pid(instance));
    if (process.isPresent()) {
      process.get().destroyForcibly();
      process.get().onExit().get(30, TimeUnit.SECONDS);
    }
  }

  /** Every broker of the test command's Kafka (three with CHAT_NODES=3, their ports 100 apart). */
  static String bootstrapServers() {
    if (RealInfrastructure.usesContainers()) {
      return System.getProperty("spring.kafka.bootstrap-servers");
    }
    int port = Integer.parseInt(Objects.requireNonNullElse(System.getenv("CHAT_KAFKA_PORT"), "9092"));
    int nodes = Integer.parseInt(Objects.requireNonNullElse(System.getenv("CHAT_NODES"), "1"));
    List<String> brokers = new ArrayList<>();
    for (int node = 0; node < nodes; node++) {
      brokers.add("127.0.0.1:" + (port + 100 * node));
    }
    return String.join(",", brokers);
  }

  /** SIGSTOP: the process stops as in a long GC pause or CPU starvation; its sockets stay open. */
  void pause(String instance) throws Exception {
    signal("STOP", pid(instance));
  }

  /** SIGCONT: the process goes on from where it stopped, unaware of the time that passed. */
  void resume(String instance) throws Exception {
    signal("CONT", pid(instance));
  }

  private long pid(String instance) throws IOException {
    return Long.parseLong(Files.readString(dataDir.resolve("run/" + instance + ".pid")).strip());
  }

  /**
   * SIGKILL of node {@code node} of the test's Kafka or Cassandra (started by the test command,
   * with its own data directory and pid files): it gets no chance to flush or close anything.
   */
  void killInfrastructure(String kind, int node) throws Exception {
    requireLocalInfrastructure();
    long pid = Long.parseLong(runInfrastructure(60, "pid", kind, Integer.toString(node)).strip());
    var process = ProcessHandle.of(pid).orElseThrow();
    process.destroyForcibly();
    process.onExit().get(60, TimeUnit.SECONDS);
  }

  /** Starts that node again on its data, and returns once it answers. */
  void startInfrastructure(String kind, int node) throws Exception {
    requireLocalInfrastructure();
    runInfrastructure(300, "start-node", kind, Integer.toString(node));
  }

  /** The fanout's recovery commands, deploy/local/replay.sh. */
  String replay(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("deploy/local/replay.sh"));
    command.addAll(List.of(arguments));
    return run(300, Map.of(), command.toArray(String[]::new));
  }

  /** Kafka's consumer-groups tool through deploy/local/kafka-tool.sh. */
  String consumerGroups(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("deploy/local/kafka-tool.sh", "consumer-groups"));
    command.addAll(List.of(arguments));
    return run(120, Map.of(), command.toArray(String[]::new));
  }

  @Override
  public void close() throws Exception {
    run(120, Map.of(), "deploy/local/services.sh", "stop");
  }

  /** Killing and restarting a node is done through the local launcher, which runs no containers. */
  private static void requireLocalInfrastructure() {
    Assumptions.assumeFalse(RealInfrastructure.usesContainers(),
        "kills and restarts the local launcher's Kafka and Cassandra processes; not under -Dchat.infra=testcontainers");
  }

  /** infra.sh with the test command's environment: the infrastructure's data dir, not the services'. */
  private String runInfrastructure(int timeoutSeconds, String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("deploy/local/infra.sh"));
    command.addAll(List.of(arguments));
    return execute(timeoutSeconds, Map.of(), false, command.toArray(String[]::new));
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }
  }

  private String run(int timeoutSeconds, Map<String, String> overrides, String... command) throws Exception {
    return execute(timeoutSeconds, overrides, true, command);
  }

  private String execute(int timeoutSeconds, Map<String, String> overrides, boolean services, String... command)
      throws Exception {
    Files.createDirectories(dataDir);
    Path output = Files.createTempFile(dataDir, "launcher-", ".out");
    List<String> bash = new ArrayList<>(List.of("bash", REPO.resolve(command[0]).toString()));
    bash.addAll(List.of(command).subList(1, command.length));
    ProcessBuilder builder = new ProcessBuilder(bash)
        .directory(REPO.toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    if (services) {
      builder.environment().putAll(env);
    }
    builder.environment().putAll(overrides);
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
    }
    String printed = Files.readString(output);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + printed);
    }
    return printed;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
