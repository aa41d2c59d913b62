package dev.chatsync.k8s.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The readers of topics.conf, Topics.java and the @KafkaListeners read what the files say. */
class ProjectFactsTest {

  @Test
  void readsTheRepository() {
    ProjectFacts.Facts facts = ProjectFacts.fromRepo();
    assertThat(facts.codeTopics()).containsEntry("MESSAGES", "chat.messages").containsEntry("INBOX_APPENDS", "chat.inbox-appends")
        .containsEntry("INBOX_NOTIFY", "chat.inbox-notify").containsEntry("READS", "chat.reads");
    assertThat(facts.topics()).containsKeys("chat.messages", "chat.inbox-appends", "chat.inbox-notify", "chat.reads");
    assertThat(facts.topics().get("chat.messages").partitions()).isPositive();
    // The fanout's groups as the brief of these checks states them (group id = listener id).
    assertThat(facts.listenerGroups()).isEqualTo(Map.of(
        "fanout-expand", "chat.messages", "fanout-inbox", "chat.inbox-appends", "fanout-reads", "chat.reads",
        "fanout-changes", "chat.message-changes", "fanout-push", "chat.inbox-appends"));
  }

  @Test
  void parsesTopicsConf() {
    var topics = ProjectFacts.topicsConf("# comment\n\nchat.a 12 retention.ms=1 cleanup.policy=delete  # trailing\nchat.b 1\n");
    assertThat(topics.get("chat.a")).isEqualTo(new ProjectFacts.TopicSpec("chat.a", 12,
        Map.of("cleanup.policy", "delete", "retention.ms", "1")));
    assertThat(topics.get("chat.b")).isEqualTo(new ProjectFacts.TopicSpec("chat.b", 1, Map.of()));
  }
}
