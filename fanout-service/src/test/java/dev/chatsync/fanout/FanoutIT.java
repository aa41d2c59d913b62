package dev.chatsync.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.RecentActivity;
import dev.chatsync.contracts.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Both fanout stages and the republisher on the real broker and node: timeline rows and
 * chat.messages events in, inbox rows and notifications out. Reads and receipts: ReceiptFanoutIT.
 */
@FanoutIntegrationTest
class FanoutIT extends FanoutITSupport {

  @Test
  void everyMemberGetsEachMessageOnceInSeqOrderWhateverOrderTheEventsCameIn() {
    addMember(alice, 0);
    addMember(bob, 0);
    addMember(late, 2);
    for (long seq = 1; seq <= 3; seq++) {
      appendToTimeline(seq);
    }

    // 3 before 1 and 2, as two message-service instances may publish them; then all again.
    for (long seq : new long[] {3, 1, 2, 1, 2, 3}) {
      announce(seq);
    }

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(conversationSeqs(alice)).containsExactly(1L, 2L, 3L);
      assertThat(conversationSeqs(bob)).containsExactly(1L, 2L, 3L);
      assertThat(conversationSeqs(late)).containsExactly(3L);
    });
    List<Row> inbox = inbox(alice);
    assertThat(inbox).extracting(row -> row.getLong("inbox_seq")).containsExactly(1L, 2L, 3L);
    assertThat(inbox).extracting(row -> row.getString("message_id")).containsExactly("msg-1", "msg-2", "msg-3");
    assertThat(head(alice)).isEqualTo(3L);
  }

  @Test
  void seqsNoEventAnnouncedAreReadFromTheTimeline() {
    addMember(alice, 0);
    for (long seq = 1; seq <= 4; seq++) {
      appendToTimeline(seq);
    }

    // 2 and 3 were never announced (a lost publish): 4's event says the timeline holds them.
    announce(1);
    announce(4);

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(conversationSeqs(alice)).containsExactly(1L, 2L, 3L, 4L));
    assertThat(inbox(alice)).extracting(row -> row.getString("message_id")).containsExactly("msg-1", "msg-2", "msg-3", "msg-4");
  }

  @Test
  void aRedeliveredInboxRecordIsAppliedOnce() {
    for (long seq = 1; seq <= 2; seq++) {
      InboxAppend entry = InboxAppend.message(bob, conversationId, seq, "msg-" + seq, alice, 1_000L * seq);
      for (int copy = 0; copy < 3; copy++) {
        inboxAppends.send(entry).join();
      }
    }
    // A marker after the copies: once it is in, every copy before it was handled.
    inboxAppends.send(marker()).join();

    await().atMost(Duration.ofSeconds(60)).until(() -> inbox(bob).size() == 3);
    assertThat(conversationSeqs(bob)).containsExactly(1L, 2L, 1L);
    assertThat(inbox(bob)).extracting(row -> row.getString("message_id")).containsExactly("msg-1", "msg-2", "marker");
  }

  @Test
  void manyEntriesOfOneUserInOnePollAreWrittenInOrderInSeveralBatches() {
    cql.execute("INSERT INTO conversations_by_user (user_id, conversation_id, joined_seq) VALUES (?, ?, 0)", bob, conversationId);
    int count = 3 * 50 + 7;
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (long seq = 1; seq <= count; seq++) {
      sends.add(inboxAppends.send(InboxAppend.message(bob, conversationId, seq, "msg-" + seq, seq % 2 == 0 ? bob : alice, 1_000L * seq)));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();

    // The head moves before the entries are written (stage 2 allocates, then writes): wait for the entries.
    await().atMost(Duration.ofSeconds(60)).until(() -> inbox(bob).size() == count);
    assertThat(head(bob)).isEqualTo(count);
    List<Row> inbox = inbox(bob);
    assertThat(inbox).extracting(row -> row.getLong("inbox_seq")).containsExactlyElementsOf(
        LongStream.rangeClosed(1, count).boxed().toList());
    assertThat(inbox).extracting(row -> row.getLong("conversation_seq")).containsExactlyElementsOf(
        LongStream.rangeClosed(1, count).boxed().toList());
    // The conversation list follows the entries.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Row listed = cql.execute("SELECT last_seq, own_last_seq FROM conversations_by_user WHERE user_id = ? AND conversation_id = ?",
          bob, conversationId).one();
      assertThat(listed.getLong("last_seq")).isEqualTo(count);
      assertThat(listed.getLong("own_last_seq")).isEqualTo(count - 1);
    });
  }

  @Test
  void aMessageWhosePublishNeverHappenedIsRepublished() {
    addMember(bob, 0);
    appendToTimeline(1);
    appendToTimeline(2);
    // message-service marked the conversation before appending, then died before publishing.
    cql.execute("INSERT INTO recent_conversations (minute, shard, conversation_id) VALUES (?, ?, ?)",
        RecentActivity.minuteOf(Instant.now()), RecentActivity.shardOf(conversationId), conversationId);

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(conversationSeqs(bob)).containsExactly(1L, 2L));
  }

  @Test
  void inboxEntriesExpireAfterTheConfiguredTtlButTheHeadDoesNot(@Autowired FanoutProperties properties) {
    addMember(alice, 0);
    appendToTimeline(1);
    announce(1);

    await().atMost(Duration.ofSeconds(60)).until(() -> !inbox(alice).isEmpty());

    Row entry = cql.execute("SELECT TTL(kind) AS entry_ttl FROM inbox_by_user WHERE user_id = ?", alice).one();
    long ttl = properties.inboxTtl().toSeconds();
    assertThat(entry.getInt("entry_ttl")).isBetween((int) ttl - 120, (int) ttl);
    Row state = cql.execute("SELECT TTL(head_seq) AS head_ttl FROM inbox_state WHERE user_id = ?", alice).one();
    assertThat(state.isNull("head_ttl")).isTrue();
  }

  @Test
  void eachInboxWriteIsAnnouncedKeyedByUser() {
    addMember(bob, 0);
    appendToTimeline(1);
    announce(1);

    Map<String, InboxNotify> notes = new ConcurrentHashMap<>();
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "fanout-it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.INBOX_NOTIFY));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
          // Other tests' records share the topic, malformed ones included.
          if (bob.equals(record.key())) {
            notes.put(record.key(), Topics.INBOX_NOTIFIED.decode(record.value()));
          }
        });
        return notes.containsKey(bob);
      });
    }
    assertThat(notes.get(bob)).isEqualTo(new InboxNotify(bob, 1));
  }

  @Test
  void eachMemberGetsTheMessagesOfTheSpansTheyWereAMemberIn() {
    addMember(alice, 0);
    String removed = "removed-" + suffix;
    String returning = "returning-" + suffix;
    cql.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, left_seq) VALUES (?, ?, 0, 2)",
        conversationId, removed);
    cql.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, earlier_spans) VALUES (?, ?, 3, ?)",
        conversationId, returning, Map.of(0L, 1L));
    for (long seq = 1; seq <= 4; seq++) {
      appendToTimeline(seq);
    }

    announce(4);

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(conversationSeqs(alice)).containsExactly(1L, 2L, 3L, 4L);
      assertThat(conversationSeqs(returning)).containsExactly(1L, 4L);
      assertThat(conversationSeqs(removed)).containsExactly(1L, 2L);
    });
  }

  @Test
  void aRepeatedMembershipEntryIsAppliedOnce() {
    InboxAppend added = InboxAppend.membership(bob, conversationId, "added", 4, alice, 1, 0L);
    InboxAppend removed = InboxAppend.membership(bob, conversationId, "removed", 4, alice, 2, 0L);
    for (InboxAppend entry : List.of(added, added, removed, added)) {
      inboxAppends.send(entry).join();
    }
    inboxAppends.send(marker()).join();

    await().atMost(Duration.ofSeconds(60)).until(() -> inbox(bob).size() == 3);
    assertThat(inbox(bob)).extracting(row -> row.getString("kind"), row -> row.getString("change"))
        .containsExactly(tuple("membership", "added"), tuple("membership", "removed"), tuple("message", null));
  }
}
