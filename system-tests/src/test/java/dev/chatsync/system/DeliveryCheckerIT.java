package dev.chatsync.system;

import static org.awaitility.Awaitility.await;

import dev.chatsync.system.DeliveryChecker.Ack;
import dev.chatsync.system.DeliveryChecker.Conversation;
import dev.chatsync.system.DeliveryChecker.Send;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checker against a fanout killed mid-run and then replayed: two message-service instances
 * behind two gateways append to the same conversations at once, a quarter of the sends go out
 * twice at the same time, fanout-service is killed with SIGKILL and started again, and afterwards
 * both fanout consumer groups are reset to the earliest offset and the fanout runs through
 * everything again (P1-P5, P8). One of the groups is delivered by read fanout: its members' devices
 * read its messages from the history when a channel-activity entry tells them to.
 */
class DeliveryCheckerIT {

  private static LocalSystem system;
  private static DeliveryChecker checker;

  @BeforeAll
  static void startTwoOfEverythingThatTakesSends() throws Exception {
    // One group of the run (all 12 users) is over the read-fanout threshold, the others (6) are not.
    system = LocalSystem.start("checker", Map.of("CHAT_FANOUT_READFANOUTTHRESHOLD", "6", "CHAT_FANOUT_CHANNELACTIVITYINTERVAL", "1s"));
    int secondMessagePort = system.startInstance("message-service", "message-service-2", Map.of());
    int secondGatewayPort = system.startInstance("gateway-service", "gateway-service-2",
        Map.of("CHAT_MESSAGE_PORT", Integer.toString(secondMessagePort)));
    checker = new DeliveryChecker(List.of(new ApiClient(system.gatewayPort), new ApiClient(secondGatewayPort)),
        UUID.randomUUID().toString().substring(0, 6));
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void everyAcknowledgedMessageReachesEveryMemberOnceInOrder() throws Exception {
    List<Conversation> conversations = new ArrayList<>(checker.conversations(12));
    conversations.add(checker.everyone(12));
    List<Send> sends = DeliveryChecker.plan(conversations, 8, 42);
    DeliveryChecker.Sending sending = checker.start(sends, 150);

    sending.awaitShare(0.25);
    system.kill("fanout-service");
    System.out.println("checker: fanout-service killed (SIGKILL) after " + sending.done() + " of " + sending.total() + " sends");
    system.startService("fanout-service");
    Map<Send, Ack> acks = sending.awaitAll();
    Map<String, Set<String>> expected = DeliveryChecker.expected(conversations, acks);
    checker.awaitDelivered(expected, Duration.ofMinutes(3));

    replayTheFanoutFromTheEarliestOffsets();

    checker.check("fanout SIGKILL mid-run, then both stages replayed from the earliest offsets", expected, acks.size())
        .assertClean();
  }

  private void replayTheFanoutFromTheEarliestOffsets() throws Exception {
    system.stopService("fanout-service");
    system.consumerGroups("--group", "fanout-expand", "--topic", "chat.messages", "--reset-offsets", "--to-earliest", "--execute");
    system.consumerGroups("--group", "fanout-inbox", "--topic", "chat.inbox-appends", "--reset-offsets", "--to-earliest", "--execute");
    system.startService("fanout-service");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalSystem.bootstrapServers()))) {
      await("the fanout replayed everything").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .until(() -> lag(admin, "fanout-expand") == 0 && lag(admin, "fanout-inbox") == 0);
    }
  }

  static long lag(Admin admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    if (committed.isEmpty()) {
      return Long.MAX_VALUE;
    }
    Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
    var ends = admin.listOffsets(latest).all().get();
    return committed.entrySet().stream()
        .mapToLong(e -> ends.get(e.getKey()).offset() - (e.getValue() == null ? 0 : e.getValue().offset()))
        .sum();
  }

}
