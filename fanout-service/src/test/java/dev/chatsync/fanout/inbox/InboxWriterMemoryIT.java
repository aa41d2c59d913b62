package dev.chatsync.fanout.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.Memo;
import dev.chatsync.contracts.Topics;
import dev.chatsync.fanout.FanoutIntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Stage 2 remembers inbox states per partition and per assignment of it: a partition that comes
 * back after another instance wrote its inboxes must not be planned from what this one knew
 * before, or its next entries would take seqs the other instance gave already (P1, P4).
 */
@FanoutIntegrationTest
class InboxWriterMemoryIT {

  @Autowired InboxWriter writer;
  @Autowired InboxStore store;
  @Autowired CqlSession cql;

  private final String user = "memory-" + UUID.randomUUID();
  private final String conversation = "conv-" + UUID.randomUUID();
  /** A partition no consumer of the shared context is fed records of this user on. */
  private final TopicPartition partition = new TopicPartition(Topics.INBOX_APPENDS, 0);

  @Test
  void aPartitionAssignedAgainIsPlannedFromTheStoreNotFromWhatThisInstanceKnewBefore() {
    writer.onPartitionsAssigned(Map.of(partition, 0L), null);
    writer.write(List.of(record(1, 0)), () -> {});
    // The partition was away: another instance wrote the user's next entry meanwhile.
    store.append(user, List.of(new Arrival(append(2), 1)), new Memo<>(10)).toCompletableFuture().join();

    writer.onPartitionsAssigned(Map.of(partition, 2L), null);
    writer.write(List.of(record(3, 2)), () -> {});

    assertThat(cql.execute("SELECT inbox_seq, conversation_seq FROM inbox_by_user WHERE user_id = ?", user).all())
        .extracting(row -> row.getLong("inbox_seq"), row -> row.getLong("conversation_seq"))
        .containsExactly(tuple(1L, 1L), tuple(2L, 2L), tuple(3L, 3L));
  }

  private InboxAppend append(long seq) {
    return InboxAppend.message(user, conversation, seq, conversation + "-" + seq, "alice", 1_000 * seq);
  }

  private ConsumerRecord<String, byte[]> record(long seq, long offset) {
    return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, user, Topics.INBOX_APPEND.encode(append(seq)));
  }
}
