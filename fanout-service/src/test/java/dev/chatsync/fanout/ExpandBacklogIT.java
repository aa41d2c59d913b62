package dev.chatsync.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.StorageTimeline;
import dev.chatsync.contracts.kafka.TopicProducer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * One event announcing a backlog: a group whose fanout is thousands of messages behind, as after
 * a long broker outage or a recovery. Expanded in one listener call it would outlast
 * max.poll.interval.ms (5 s in these tests) and the consumer would be thrown out of its group,
 * again and again. Most members have the messages already (stage 2 skips them cheaply), so the
 * test spends its time in stage 1, where the bound is.
 */
@FanoutIntegrationTest
class ExpandBacklogIT {

  private static final int MESSAGES = 5_000;
  private static final int MEMBERS_CAUGHT_UP = 55;
  private static final int MEMBERS_BEHIND = 5;

  @Autowired CqlSession cql;
  @Autowired TopicProducer<MessageAppended> events;
  @Autowired MeterRegistry meters;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String conversationId = "backlog-" + suffix;

  @Test
  void aBacklogIsWorkedOffOverManyPollsWithoutARebalanceAndDeliveredOnce(@Autowired KafkaListenerEndpointRegistry listeners) {
    List<String> behind = IntStream.range(0, MEMBERS_BEHIND).mapToObj(i -> "behind-" + i + "-" + suffix).toList();
    for (String member : behind) {
      addMember(member);
    }
    for (int i = 0; i < MEMBERS_CAUGHT_UP; i++) {
      String member = "caught-up-" + i + "-" + suffix;
      addMember(member);
      cql.execute("UPDATE inbox_state SET head_seq = 0, applied = applied + ? WHERE user_id = ?", Map.of(conversationId,
          (long) MESSAGES), member);
    }
    appendTimeline();
    // Every stage-1 consumer has its partitions: a context resumed by the test before this one (the
    // test framework stops the listeners of a context it does not use) may still be joining, and a
    // consumer that joins late revokes the others' partitions.
    await().atMost(Duration.ofSeconds(60)).until(() -> everyConsumerAssigned(listeners, "fanout-expand"));
    double revokedBefore = revoked();

    events.send(new MessageAppended(conversationId, MESSAGES, "msg-" + MESSAGES, "alice", Instant.now().toEpochMilli())).join();

    await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
        .until(() -> behind.stream().allMatch(member -> inboxSize(member) == MESSAGES));
    for (String member : behind) {
      assertThat(cql.execute("SELECT conversation_seq FROM inbox_by_user WHERE user_id = ?", member).all())
          .extracting(row -> row.getLong("conversation_seq"))
          .as("every message once, in order (P2, P3)")
          .containsExactlyElementsOf(LongStream.rangeClosed(1, MESSAGES).boxed().toList());
    }
    assertThat(revoked()).as("stage 1 was never thrown out of its group").isEqualTo(revokedBefore);
  }

  private static boolean everyConsumerAssigned(KafkaListenerEndpointRegistry listeners, String id) {
    var container = (ConcurrentMessageListenerContainer<?, ?>) listeners.getListenerContainer(id);
    return container != null && container.getContainers().size() == container.getConcurrency()
        && container.getContainers().stream().allMatch(consumer -> consumer.getAssignedPartitions() != null
            && !consumer.getAssignedPartitions().isEmpty());
  }

  private double revoked() {
    return meters.counter("chat.fanout.partitions.revoked", "stage", "expand").count();
  }

  private long inboxSize(String member) {
    return cql.execute("SELECT count(*) FROM inbox_by_user WHERE user_id = ?", member).one().getLong(0);
  }

  private void addMember(String userId) {
    cql.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, joined_at) VALUES (?, ?, 0, ?)",
        conversationId, userId, Instant.now());
  }

  private void appendTimeline() {
    PreparedStatement insert = cql.prepare("INSERT INTO messages_by_conversation (conversation_id, bucket, seq, head_seq, "
        + "message_id, client_msg_id, sender_id, type, body, sent_at) VALUES (?, ?, ?, ?, ?, ?, 'alice', 'text', 'b', ?)");
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (long from = 1; from <= MESSAGES; from += 50) {
      BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
      for (long seq = from; seq < from + 50 && seq <= MESSAGES; seq++) {
        batch = batch.add(insert.bind(conversationId, StorageTimeline.bucketOf(seq), seq, seq, "msg-" + seq, "c-" + seq,
            Instant.now()));
      }
      writes.add(cql.executeAsync(batch).toCompletableFuture());
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
  }
}
