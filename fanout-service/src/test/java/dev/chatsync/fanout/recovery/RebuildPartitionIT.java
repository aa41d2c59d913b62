package dev.chatsync.fanout.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.fanout.FanoutIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.support.SendResult;

/**
 * A rebuild marks, per user, the end of the user's partition of chat.inbox-appends: its idea of
 * that partition must be the producer's, or messages in flight from before the rebuild would slip
 * in ahead of their re-expansion.
 */
@FanoutIntegrationTest
class RebuildPartitionIT {

  @Autowired TopicProducer<InboxAppend> inboxAppends;

  @Test
  void theRebuildPutsAUserInThePartitionTheProducerDoes() throws Exception {
    for (String user : List.of("alice", "bob", "carol-1", "u7-955bfc", "a-much-longer-user.id_with-every-kind")) {
      SendResult<?, ?> sent = (SendResult<?, ?>) inboxAppends.send(InboxAppend.read(user, "c1", 1, 0)).get();
      assertThat(Rebuild.partitionOf(user, 12)).as(user).isEqualTo(sent.getRecordMetadata().partition());
    }
  }
}
