package dev.chatsync.system;

import dev.chatsync.system.DeliveryChecker.Ack;
import dev.chatsync.system.DeliveryChecker.Conversation;
import dev.chatsync.system.DeliveryChecker.Send;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The one-node chaos run: the broker, then the store, is killed with SIGKILL while members send
 * with retries, and started again on its data. The services recover by themselves (a send answers
 * 503 with Retry-After while the store is away; a publish that fails is republished), and every
 * acknowledged message reaches every member once, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InfrastructureFaultsIT {

  private static LocalSystem system;
  private static ApiClient gateway;

  @BeforeAll
  static void startTheServices() throws Exception {
    system = LocalSystem.start("infrastructure-faults");
    gateway = new ApiClient(system.gatewayPort);
  }

  @AfterAll
  static void stopTheServices() throws Exception {
    if (system != null) {
      system.close();
    }
  }

  @Test
  @Order(1)
  void theBrokerKilledAndStartedAgainWhileMembersSend() throws Exception {
    runWith("Kafka SIGKILL, started again", "kafka");
  }

  @Test
  @Order(2)
  void theStoreKilledAndStartedAgainWhileMembersSend() throws Exception {
    runWith("Cassandra SIGKILL, started again", "cassandra");
  }

  private void runWith(String fault, String kind) throws Exception {
    DeliveryChecker checker = new DeliveryChecker(List.of(gateway), UUID.randomUUID().toString().substring(0, 6));
    List<Conversation> conversations = checker.conversations(8);
    DeliveryChecker.Sending sending = checker.start(DeliveryChecker.plan(conversations, 5, 7), 100);

    sending.awaitShare(0.25);
    try {
      system.killInfrastructure(kind, 1);
      System.out.println("checker: " + kind + " killed (SIGKILL) after " + sending.done() + " of " + sending.total() + " sends");
    } finally {
      // Whatever happened, the tests after this one need it.
      system.startInfrastructure(kind, 1);
    }
    System.out.println("checker: " + kind + " answers again after " + sending.done() + " of " + sending.total() + " sends");
    Map<Send, Ack> acks = sending.awaitAll();
    Map<String, Set<String>> expected = DeliveryChecker.expected(conversations, acks);
    checker.awaitDelivered(expected, Duration.ofMinutes(3));

    checker.check(fault, expected, acks.size()).assertClean();
  }
}
