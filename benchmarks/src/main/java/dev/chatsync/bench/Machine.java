package dev.chatsync.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the figures came from: cores, memory, CPU model, JVM. */
final class Machine {

  private Machine() {}

  static String describe() {
    String model = "unknown CPU";
    long memoryKb = 0;
    try {
      model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
          .findFirst().map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse(model);
      memoryKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal"))
          .findFirst().map(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).orElse(0L);
    } catch (Exception unreadable) {
      // Not Linux: cores and JVM still say something.
    }
    return String.format("%d cores (%s), %.0f GiB, Java %s; Kafka, Cassandra, the four services and the load tool all on it",
        Runtime.getRuntime().availableProcessors(), model, memoryKb / 1024.0 / 1024.0, System.getProperty("java.version"));
  }
}
