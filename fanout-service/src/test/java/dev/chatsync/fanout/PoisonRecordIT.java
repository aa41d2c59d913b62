package dev.chatsync.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.ReadMoved;
import dev.chatsync.contracts.StorageTimeline;
import dev.chatsync.contracts.Topic;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.DeadLetters;
import dev.chatsync.contracts.kafka.TopicProducer;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * One record that can never be handled must not stall its partition: for each topic the fanout
 * reads, a record that is not JSON and one that parses but breaks the contract go first, then a
 * valid one with the same key (so the same partition). The valid one takes effect within seconds,
 * and the two bad ones are in the topic's dead-letter topic with their reason.
 */
@FanoutIntegrationTest
class PoisonRecordIT {

  private static final Duration PROMPTLY = Duration.ofSeconds(15);

  @Autowired CqlSession cql;
  @Autowired KafkaTemplate<String, byte[]> kafka;
  @Autowired MeterRegistry meters;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String conversationId = "conv-" + suffix;
  private final String alice = "alice-" + suffix;
  private final String bob = "bob-" + suffix;

  @Test
  void aPoisonMessageEventDoesNotStopTheConversationsFanout() {
    bobAndAMessageFromAlice();

    poison(Topics.MESSAGE_APPENDED, conversationId, "{\"conversationId\":\"" + conversationId + "\",\"seq\":0}");
    new TopicProducer<>(Topics.MESSAGE_APPENDED, kafka)
        .send(new MessageAppended(conversationId, 1, "msg-1", alice, Instant.now().toEpochMilli())).join();

    await().atMost(PROMPTLY).until(() -> inbox(bob).size() == 1);
    assertDeadLettered(Topics.MESSAGE_APPENDED, conversationId);
  }

  /**
   * An event that parses but announces a message the timeline does not have (forged, or a
   * timeline restored from an older backup): retrying it would stall the partition for good.
   */
  @Test
  void anEventAnnouncingAMessageTheTimelineLacksIsDeadLetteredAndTheNextEventGoesThrough() {
    String broken = "broken-" + suffix;
    bobAndAMessageFromAlice();
    // Same key as the valid event (same partition), but announces a seq of a conversation with no messages.
    var events = new TopicProducer<>(Topics.MESSAGE_APPENDED, kafka);
    kafka.send(Topics.MESSAGES, conversationId, Topics.MESSAGE_APPENDED.encode(
        new MessageAppended(broken, 7, "msg-7", alice, Instant.now().toEpochMilli()))).join();
    events.send(new MessageAppended(conversationId, 1, "msg-1", alice, Instant.now().toEpochMilli())).join();

    await().atMost(PROMPTLY).until(() -> inbox(bob).size() == 1);
    assertThat(deadLetters(Topics.MESSAGE_APPENDED, conversationId, 1)).extracting(record -> header(record, DeadLetters.DETAIL))
        .anySatisfy(detail -> assertThat(detail).contains(broken).contains("has no seq 1"));
  }

  @Test
  void aPoisonInboxEntryDoesNotStopTheUsersInbox() {
    poison(Topics.INBOX_APPEND, bob, "{\"userId\":\"" + bob + "\",\"kind\":\"telepathy\",\"conversationId\":\"c\"}");
    new TopicProducer<>(Topics.INBOX_APPEND, kafka).send(InboxAppend.message(bob, conversationId, 1, "msg-1", alice, 0)).join();

    await().atMost(PROMPTLY).until(() -> inbox(bob).size() == 1);
    assertDeadLettered(Topics.INBOX_APPEND, bob);
  }

  @Test
  void aPoisonReadDoesNotStopTheConversationsReads() {
    poison(Topics.READ_MOVED, conversationId, "{\"conversationId\":\"" + conversationId + "\",\"readerId\":\"" + bob
        + "\",\"fromSeq\":9,\"upTo\":3}");
    new TopicProducer<>(Topics.READ_MOVED, kafka).send(new ReadMoved(conversationId, bob, 0, 3, 0)).join();

    await().atMost(PROMPTLY).untilAsserted(() -> assertThat(inbox(bob)).extracting(row -> row.getString("kind"))
        .containsExactly("read"));
    assertDeadLettered(Topics.READ_MOVED, conversationId);
  }

  /**
   * Trace headers are the producer's to write: one without a value, or one no propagator can read,
   * leaves the record to be fanned out as any other (a listener that threw on it would retry its
   * poll forever).
   */
  @Test
  void recordsWithBrokenTraceHeadersAreFannedOutAsAnyOther() {
    bobAndAMessageFromAlice();
    ProducerRecord<String, byte[]> event = new ProducerRecord<>(Topics.MESSAGES, conversationId, Topics.MESSAGE_APPENDED.encode(
        new MessageAppended(conversationId, 1, "msg-1", alice, Instant.now().toEpochMilli())));
    event.headers().add("traceparent", null);
    kafka.send(event).join();
    await().atMost(PROMPTLY).until(() -> inbox(bob).size() == 1);

    ProducerRecord<String, byte[]> entry = new ProducerRecord<>(Topics.INBOX_APPENDS, bob, Topics.INBOX_APPEND.encode(
        InboxAppend.message(bob, conversationId, 2, "msg-2", alice, 0)));
    entry.headers().add("traceparent", "00-not-a-trace".getBytes(StandardCharsets.UTF_8));
    kafka.send(entry).join();
    ProducerRecord<String, byte[]> another = new ProducerRecord<>(Topics.INBOX_APPENDS, bob, Topics.INBOX_APPEND.encode(
        InboxAppend.message(bob, conversationId, 3, "msg-3", alice, 0)));
    another.headers().add("traceparent", null);
    kafka.send(another).join();
    await().atMost(PROMPTLY).until(() -> inbox(bob).size() == 3);
  }

  /** Bob a member of the conversation, whose timeline holds alice's message 1. */
  private void bobAndAMessageFromAlice() {
    cql.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, joined_at) VALUES (?, ?, 0, ?)",
        conversationId, bob, Instant.now());
    cql.execute("INSERT INTO messages_by_conversation (conversation_id, bucket, seq, head_seq, message_id, client_msg_id, "
        + "sender_id, type, body, sent_at) VALUES (?, ?, 1, 1, 'msg-1', 'c-1', ?, 'text', 'hi', ?)", conversationId,
        StorageTimeline.bucketOf(1), alice, Instant.now());
  }

  /** A record that is not JSON at all, then one that parses but breaks the contract. */
  private void poison(Topic<?> topic, String key, String contractBreaking) {
    kafka.send(topic.name(), key, "{not json".getBytes(StandardCharsets.UTF_8)).join();
    kafka.send(topic.name(), key, contractBreaking.getBytes(StandardCharsets.UTF_8)).join();
  }

  private void assertDeadLettered(Topic<?> topic, String key) {
    List<ConsumerRecord<String, byte[]>> dead = deadLetters(topic, key, 2);
    assertThat(dead).extracting(record -> header(record, DeadLetters.REASON)).containsExactly("malformed", "contract");
    assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
    assertThat(header(dead.get(1), DeadLetters.ORIGIN)).startsWith(topic.name() + "/");
    assertThat(meters.counter("chat.kafka.dead.letters", "topic", topic.name(), "reason", "contract").count()).isPositive();
  }

  private List<ConsumerRecord<String, byte[]>> deadLetters(Topic<?> topic, String key, int count) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "poison-it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic.deadLetterName()));
      await().atMost(PROMPTLY).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
          if (key.equals(record.key())) {
            found.add(record);
          }
        });
        return found.size() >= count;
      });
    }
    return found;
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private List<Row> inbox(String userId) {
    return cql.execute("SELECT inbox_seq, kind FROM inbox_by_user WHERE user_id = ?", userId).all();
  }
}
