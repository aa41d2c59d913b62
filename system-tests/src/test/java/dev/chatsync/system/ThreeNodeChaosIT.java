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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The three-node chaos run (deploy/local/chaos.sh starts three Kafka brokers, replication 3 and
 * min.insync.replicas 2, and three Cassandra nodes, replication 3 at LOCAL_QUORUM, then runs
 * this): two instances of every service, and members sending with retries through both gateways
 * while one thing at a time fails. Each fault gets its checker line; each must end 0 / 0 / 0.
 * Too heavy for two cores in CI, so it runs only when asked ({@code -Dchaos=three-nodes}).
 */
@EnabledIfSystemProperty(named = "chaos", matches = "three-nodes")
class ThreeNodeChaosIT {

  private static LocalSystem system;
  private static List<ApiClient> gateways;
  private static final List<String> lines = new ArrayList<>();

  @BeforeAll
  static void startTwoOfEveryService() throws Exception {
    system = LocalSystem.start("chaos");
    int secondMessage = system.startInstance("message-service", "message-service-2", Map.of());
    int secondSync = system.startInstance("sync-service", "sync-service-2", Map.of());
    system.startInstance("fanout-service", "fanout-service-2", Map.of());
    int secondGateway = system.startInstance("gateway-service", "gateway-service-2",
        Map.of("CHAT_MESSAGE_PORT", Integer.toString(secondMessage), "CHAT_SYNC_PORT", Integer.toString(secondSync)));
    gateways = List.of(new ApiClient(system.gatewayPort), new ApiClient(secondGateway));
  }

  @AfterAll
  static void stopEverything() throws Exception {
    System.out.println("chaos: the checker's lines, one a fault:");
    lines.forEach(line -> System.out.println("  " + line));
    if (system != null) {
      system.close();
    }
  }

  @Test
  void everyFaultEndsWithNothingMissingDuplicatedOrOutOfOrder() throws Exception {
    run("Kafka: the leader of a busy partition SIGKILLed, started again", () -> {
      int leader = leaderOf("chat.inbox-appends", 0);
      system.killInfrastructure("kafka", leader);
      system.startInfrastructure("kafka", leader);
    });
    run("Cassandra: one node of three SIGKILLed, started again", () -> {
      system.killInfrastructure("cassandra", 2);
      system.startInfrastructure("cassandra", 2);
    });
    for (String service : List.of("message-service", "fanout-service", "sync-service", "gateway-service")) {
      run(service + ": one of two instances SIGKILLed, started again", () -> {
        system.kill(service);
        system.startService(service);
      });
    }
    run("fanout-service: one of two instances stalled (SIGSTOP) past its session timeout, then woken", () -> {
      system.pause("fanout-service");
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalSystem.bootstrapServers()))) {
        await().atMost(Duration.ofMinutes(2)).until(() -> members(admin, "fanout-inbox") == 3);
      } finally {
        system.resume("fanout-service");
      }
    });
    DeliveryChecker.Result.assertAllClean(lines);
  }

  private interface Fault {
    void inject() throws Exception;
  }

  private void run(String fault, Fault injection) throws Exception {
    DeliveryChecker checker = new DeliveryChecker(gateways, UUID.randomUUID().toString().substring(0, 6));
    List<Conversation> conversations = checker.conversations(8);
    DeliveryChecker.Sending sending = checker.start(DeliveryChecker.plan(conversations, 6, fault.hashCode()), 100);
    sending.awaitShare(0.25);
    injection.inject();
    Map<Send, Ack> acks = sending.awaitAll();
    Map<String, Set<String>> expected = DeliveryChecker.expected(conversations, acks);
    checker.awaitDelivered(expected, Duration.ofMinutes(3));
    lines.add(checker.check(fault, expected, acks.size()).line());
  }

  private static int leaderOf(String topic, int partition) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalSystem.bootstrapServers()))) {
      return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().get(partition).leader().id();
    }
  }

  private static int members(Admin admin, String group) throws Exception {
    return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
  }
}
