package dev.chatsync.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Both fanout stages on the real broker and node: chat.messages in, inbox rows and notifications out. */
@SpringBootTest
class FanoutIT {

  @Autowired CqlSession cql;
  @Autowired KafkaTemplate<String, String> kafka;
  @Autowired JsonMapper json;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String conversationId = "conv-" + suffix;
  private final String alice = "alice-" + suffix;
  private final String bob = "bob-" + suffix;
  private final String late = "late-" + suffix;

  @Test
  void everyMemberGetsEachMessageOnceInConversationOrderFromTheSeqTheyJoinedAt() {
    addMember(alice, 0);
    addMember(bob, 0);
    addMember(late, 2);

    for (long seq = 1; seq <= 3; seq++) {
      publish(new MessageAppended(conversationId, seq, "msg-" + seq, alice, Instant.now().toEpochMilli()));
    }

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(conversationSeqs(alice)).containsExactly(1L, 2L, 3L);
      assertThat(conversationSeqs(bob)).containsExactly(1L, 2L, 3L);
      assertThat(conversationSeqs(late)).containsExactly(3L);
    });

    List<Row> inbox = inbox(alice);
    assertThat(inbox).extracting(row -> row.getLong("inbox_seq")).containsExactly(1L, 2L, 3L);
    assertThat(inbox).extracting(row -> row.getString("kind")).containsOnly("message");
    assertThat(inbox).extracting(row -> row.getString("message_id")).containsExactly("msg-1", "msg-2", "msg-3");
    assertThat(cql.execute("SELECT head_seq FROM inbox_state WHERE user_id = ?", alice).one().getLong("head_seq")).isEqualTo(3L);
  }

  @Test
  void inboxEntriesExpireAfterTheConfiguredTtlButTheHeadDoesNot(@Autowired FanoutProperties properties) {
    addMember(alice, 0);
    publish(new MessageAppended(conversationId, 1, "msg-1", alice, Instant.now().toEpochMilli()));

    await().atMost(Duration.ofSeconds(60)).until(() -> !inbox(alice).isEmpty());

    Row entry = cql.execute("SELECT TTL(kind) AS entry_ttl FROM inbox_by_user WHERE user_id = ?", alice).one();
    long ttl = properties.inboxTtl().toSeconds();
    assertThat(entry.getInt("entry_ttl")).isBetween((int) ttl - 120, (int) ttl);
    Row head = cql.execute("SELECT TTL(head_seq) AS head_ttl FROM inbox_state WHERE user_id = ?", alice).one();
    assertThat(head.isNull("head_ttl")).isTrue();
  }

  @Test
  void eachInboxWriteIsAnnouncedKeyedByUser() {
    addMember(bob, 0);
    publish(new MessageAppended(conversationId, 1, "msg-1", alice, Instant.now().toEpochMilli()));

    Map<String, InboxNotify> notes = new ConcurrentHashMap<>();
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "fanout-it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(Topics.INBOX_NOTIFY));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> notes.put(record.key(), json.readValue(record.value(), InboxNotify.class)));
        return notes.containsKey(bob);
      });
    }
    assertThat(notes.get(bob)).isEqualTo(new InboxNotify(bob, 1));
  }

  private void addMember(String userId, long joinedSeq) {
    cql.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, joined_at) VALUES (?, ?, ?, ?)",
        conversationId, userId, joinedSeq, Instant.now());
  }

  private void publish(MessageAppended message) {
    kafka.send(Topics.MESSAGES, message.conversationId(), json.writeValueAsString(message)).join();
  }

  private List<Row> inbox(String userId) {
    return cql.execute("SELECT inbox_seq, kind, conversation_id, conversation_seq, message_id FROM inbox_by_user "
        + "WHERE user_id = ?", userId).all();
  }

  private List<Long> conversationSeqs(String userId) {
    return inbox(userId).stream().map(row -> row.getLong("conversation_seq")).toList();
  }
}
