package dev.chatsync.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The four services as real processes from their packaged jars, started and stopped with the
 * project's own launcher (deploy/local/services.sh) on free ports, against the Kafka broker and
 * Cassandra node the test command started (CHAT_KAFKA_PORT, CHAT_CASSANDRA_PORT).
 */
final class LocalSystem implements AutoCloseable {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  private final Map<String, String> env = new HashMap<>();
  private final Path dataDir;

  final int gatewayPort;
  final int messagePort;

  private LocalSystem(String name) throws IOException {
    dataDir = REPO.resolve("system-tests/target/" + name);
    gatewayPort = freePort();
    messagePort = freePort();
    env.put("CHAT_DATA_DIR", dataDir.toString());
    env.put("CHAT_GATEWAY_PORT", Integer.toString(gatewayPort));
    env.put("CHAT_MESSAGE_PORT", Integer.toString(messagePort));
    env.put("CHAT_FANOUT_PORT", Integer.toString(freePort()));
    env.put("CHAT_SYNC_PORT", Integer.toString(freePort()));
  }

  /** Starts the four services; {@code name} keeps the logs and pid files of one test class apart. */
  static LocalSystem start(String name) throws Exception {
    LocalSystem system = new LocalSystem(name);
    try {
      system.run(300, Map.of(), "deploy/local/services.sh", "start");
    } catch (Exception failed) {
      system.close();
      throw failed;
    }
    return system;
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
    long pid = Long.parseLong(Files.readString(dataDir.resolve("run/" + instance + ".pid")).strip());
    var process = ProcessHandle.of(pid);
    if (process.isPresent()) {
      process.get().destroyForcibly();
      process.get().onExit().get(30, TimeUnit.SECONDS);
    }
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

  private String run(int timeoutSeconds, Map<String, String> overrides, String... command) throws Exception {
    Files.createDirectories(dataDir);
    Path output = Files.createTempFile(dataDir, "launcher-", ".out");
    List<String> bash = new ArrayList<>(List.of("bash", REPO.resolve(command[0]).toString()));
    bash.addAll(List.of(command).subList(1, command.length));
    ProcessBuilder builder = new ProcessBuilder(bash)
        .directory(REPO.toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().putAll(env);
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

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
