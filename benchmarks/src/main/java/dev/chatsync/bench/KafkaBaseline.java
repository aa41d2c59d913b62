package dev.chatsync.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The broker's limit: Kafka's own ProducerPerformance (kafka-tools) through the project's
 * launcher, acks=all like the services, 200-byte records, no rate limit.
 */
final class KafkaBaseline {

  private static final Pattern SUMMARY = Pattern.compile("records sent, ([0-9.]+) records/sec");

  private KafkaBaseline() {}

  /** Records a second, or NaN if the tool could not be run. */
  static double run(Path repo, int kafkaPort, int records) throws Exception {
    Path output = Files.createTempFile("producer-perf", ".out");
    // The broker does not create topics on first use; 12 partitions, like chat.inbox-appends.
    if (!kafkaTool(repo, kafkaPort, output, "topics", "--create", "--if-not-exists", "--topic", "bench.raw", "--partitions",
        "12", "--replication-factor", "1")
        || !kafkaTool(repo, kafkaPort, output, "producer-perf", "--topic", "bench.raw", "--num-records",
            Integer.toString(records), "--record-size", "200", "--throughput", "-1", "--producer-props", "acks=all",
            "bootstrap.servers=127.0.0.1:" + kafkaPort)) {
      System.out.println(Files.readString(output));
      return Double.NaN;
    }
    double rate = Double.NaN;
    for (String line : Files.readAllLines(output)) {
      Matcher summary = SUMMARY.matcher(line);
      if (summary.find()) {
        rate = Double.parseDouble(summary.group(1));
      }
    }
    Files.deleteIfExists(output);
    return rate;
  }

  private static boolean kafkaTool(Path repo, int kafkaPort, Path output, String... arguments) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("bash", repo.resolve("deploy/local/kafka-tool.sh").toString()));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("CHAT_KAFKA_PORT", Integer.toString(kafkaPort));
    Process process = builder.start();
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return false;
    }
    return process.exitValue() == 0;
  }
}
