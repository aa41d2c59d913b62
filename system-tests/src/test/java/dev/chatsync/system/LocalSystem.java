package dev.chatsync.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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
  private final Path dataDir = REPO.resolve("system-tests/target/local-system");

  final int gatewayPort;
  final int messagePort;

  private LocalSystem() throws IOException {
    gatewayPort = freePort();
    messagePort = freePort();
    env.put("CHAT_DATA_DIR", dataDir.toString());
    env.put("CHAT_GATEWAY_PORT", Integer.toString(gatewayPort));
    env.put("CHAT_MESSAGE_PORT", Integer.toString(messagePort));
    env.put("CHAT_FANOUT_PORT", Integer.toString(freePort()));
    env.put("CHAT_SYNC_PORT", Integer.toString(freePort()));
  }

  static LocalSystem start() throws Exception {
    LocalSystem system = new LocalSystem();
    try {
      system.launcher("start", 300);
    } catch (Exception failed) {
      system.close();
      throw failed;
    }
    return system;
  }

  String gateway() {
    return "http://127.0.0.1:" + gatewayPort + "/api/v1";
  }

  @Override
  public void close() throws Exception {
    launcher("stop", 120);
  }

  private void launcher(String command, int timeoutSeconds) throws Exception {
    Files.createDirectories(dataDir);
    Path output = dataDir.resolve("services-" + command + ".out");
    ProcessBuilder builder = new ProcessBuilder(List.of("bash", REPO.resolve("deploy/local/services.sh").toString(), command))
        .directory(REPO.toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("services.sh " + command + " did not finish in " + timeoutSeconds + " s");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("services.sh " + command + " failed:\n" + Files.readString(output));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
