package dev.chatsync.fanout.expand;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.StorageTimeline;
import dev.chatsync.fanout.FanoutIntegrationTest;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Under the owned send path, rows above a conversation's head may be a stalled owner's writes that
 * were never acknowledged and that the next owner overwrites: the fanout's view of the newest
 * message follows the head, never the newest row (P1, P4).
 */
@FanoutIntegrationTest
class TimelineHeadIT {

  @Autowired CqlSession cql;
  @Autowired Timeline timeline;

  private final String conversationId = "head-" + UUID.randomUUID();

  @Test
  void theNewestMessageIsTheOneAtTheHeadNotTheNewestRow() {
    row(1, 1);
    row(2, 2);
    row(3, 2);

    assertThat(timeline.newestAfter(conversationId, 0)).hasValueSatisfying(message -> assertThat(message.seq()).isEqualTo(2));
    assertThat(timeline.newestAfter(conversationId, 2)).isEmpty();
  }

  @Test
  void aFencedEmptyBucketAfterAFullOneHoldsNoNewerMessage() {
    long last = StorageTimeline.BUCKET_SIZE - 1;
    row(last, last);
    // The next owner fenced the next bucket at the old head; a stalled owner's row landed there.
    row(last + 1, last);

    assertThat(timeline.newestAfter(conversationId, 0)).hasValueSatisfying(message -> assertThat(message.seq()).isEqualTo(last));
  }

  /** A row at {@code seq} whose bucket's head says {@code head}. */
  private void row(long seq, long head) {
    cql.execute("INSERT INTO messages_by_conversation (conversation_id, bucket, seq, head_seq, message_id, client_msg_id, "
        + "sender_id, type, body, sent_at) VALUES (?, ?, ?, ?, ?, ?, 'alice', 'text', 'b', ?)", conversationId,
        StorageTimeline.bucketOf(seq), seq, head, "m-" + seq, "c-" + seq, Instant.now());
  }
}
