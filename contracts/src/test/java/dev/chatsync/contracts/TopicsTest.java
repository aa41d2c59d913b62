package dev.chatsync.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void theDeploymentCreatesExactlyTheTopicsTheServicesUse() throws Exception {
    List<String> configured = Files.readAllLines(Path.of("../deploy/kafka/topics.conf")).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .map(line -> line.split("\\s+")[0])
        .toList();
    assertThat(configured).containsExactlyInAnyOrder(Topics.MESSAGES, Topics.INBOX_APPENDS, Topics.INBOX_NOTIFY, Topics.READS);
  }
}
