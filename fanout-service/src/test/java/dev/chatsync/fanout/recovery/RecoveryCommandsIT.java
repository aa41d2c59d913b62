package dev.chatsync.fanout.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.fanout.FanoutIntegrationTest;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.support.SendResult;

/** The recovery commands' contact with the running cluster (the test context's fanout is running). */
@FanoutIntegrationTest
class RecoveryCommandsIT {

  @Autowired TopicProducer<InboxAppend> inboxAppends;
  @Autowired KafkaAdmin kafkaAdmin;

  /**
   * A rebuild marks, per user, the end of the user's partition of chat.inbox-appends: its idea of
   * that partition must be the producer's, or messages in flight from before the rebuild would slip
   * in ahead of their re-expansion.
   */
  @Test
  void theRebuildPutsAUserInThePartitionTheProducerDoes() throws Exception {
    for (String user : List.of("alice", "bob", "carol-1", "u7-955bfc", "a-much-longer-user.id_with-every-kind")) {
      SendResult<?, ?> sent = (SendResult<?, ?>) inboxAppends.send(InboxAppend.read(user, "c1", 1, 0)).get();
      assertThat(Rebuild.partitionOf(user, 12)).as(user).isEqualTo(sent.getRecordMetadata().partition());
    }
  }

  /** A recovery under a running fanout would be overwritten by it: refused, saying what to do. */
  @Test
  void aRecoveryRefusesToRunWhileAFanoutInstanceIsInItsGroups() {
    try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
      assertThatThrownBy(() -> new ConsumerGroups(admin).requireIdle())
          .isInstanceOf(RecoveryException.class)
          .hasMessageContaining("the fanout is running")
          .hasMessageContaining("stop every fanout-service instance first");
    }
  }
}
