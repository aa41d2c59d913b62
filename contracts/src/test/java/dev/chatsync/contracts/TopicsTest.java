package dev.chatsync.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void theDeploymentCreatesExactlyTheTopicsTheServicesUseAndTheirDeadLetterTopics() throws Exception {
    List<String> configured = Files.readAllLines(Path.of("../deploy/kafka/topics.conf")).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .map(line -> line.split("\\s+")[0])
        .toList();
    List<Topic<?>> topics = List.of(Topics.MESSAGE_APPENDED, Topics.INBOX_APPEND, Topics.INBOX_NOTIFIED, Topics.READ_MOVED,
        Topics.MESSAGE_CHANGED, Topics.CHANNEL_MESSAGE);
    assertThat(configured).containsExactlyInAnyOrderElementsOf(topics.stream()
        .flatMap(topic -> Stream.of(topic.name(), topic.deadLetterName()))
        .toList());
    assertThat(topics).extracting(Topic::name)
        .containsExactlyInAnyOrder(Topics.MESSAGES, Topics.INBOX_APPENDS, Topics.INBOX_NOTIFY, Topics.READS,
            Topics.MESSAGE_CHANGES, Topics.CHANNEL_MESSAGES);
  }
}
