package dev.chatsync.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.system.ApiClient.Response;
import dev.chatsync.system.DeliveryChecker.Ack;
import dev.chatsync.system.DeliveryChecker.Conversation;
import dev.chatsync.system.DeliveryChecker.Send;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inbox tables of a live system are lost (truncated) while members go on sending; the
 * operator stops the fanout, runs {@code replay.sh rebuild --since}, starts the fanout. Every
 * member's inbox then holds every message sent since then exactly once, in order, pages without
 * gaps (P8); a device's old cursor is never above the new entries: it gets 410 (P4).
 */
class RecoveryIT {

  private static LocalSystem system;
  private static ApiClient gateway;
  private static CqlSession cql;

  private final String run = UUID.randomUUID().toString().substring(0, 6);

  @BeforeAll
  static void startTheServices() throws Exception {
    system = LocalSystem.start("recovery");
    gateway = new ApiClient(system.gatewayPort);
    cql = Store.connect();
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (cql != null) {
      cql.close();
    }
    if (system != null) {
      system.close();
    }
  }

  @Test
  void inboxTablesLostOnALiveSystemAreRebuiltByTheRecovery() throws Exception {
    Instant since = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    DeliveryChecker checker = new DeliveryChecker(List.of(gateway), run);
    List<Conversation> conversations = checker.conversations(8);
    Map<Send, Ack> acks = new HashMap<>(checker.start(DeliveryChecker.plan(conversations, 3, 1), 20).awaitAll());
    checker.awaitDelivered(DeliveryChecker.expected(conversations, acks), Duration.ofMinutes(2));
    Map<String, Long> cursors = new HashMap<>();
    for (String user : users(conversations)) {
      checker.inbox(user, 100);
      cursors.put(user, gateway.call("GET", "/sync?after=0&limit=1", user, null).<Number>json("$.nextAfter").longValue());
    }

    cql.execute("TRUNCATE inbox_by_user");
    cql.execute("TRUNCATE inbox_state");
    System.out.println("recovery: inbox_by_user and inbox_state truncated under a live system");
    // Sent after the loss, while the fanout still runs: they land in inboxes started afresh.
    acks.putAll(checker.start(DeliveryChecker.plan(conversations, 2, 2, "after-"), 20).awaitAll());

    system.stopService("fanout-service");
    String printed = system.replay("rebuild", "--since", since.toString());
    System.out.println(printed.strip());
    system.startService("fanout-service");

    Map<String, Set<String>> expected = DeliveryChecker.expected(conversations, acks);
    checker.awaitDelivered(expected, Duration.ofMinutes(3));
    checker.check("inbox tables truncated on a live system, rebuilt with replay.sh rebuild --since", expected, acks.size())
        .assertClean();
    for (var device : cursors.entrySet()) {
      Response stale = gateway.call("GET", "/sync?after=" + device.getValue(), device.getKey(), null);
      assertThat(stale.status()).as("a cursor from before the loss, %s after %d", device.getKey(), device.getValue())
          .isEqualTo(410);
      assertThat(stale.<Number>json("$.lowWaterSeq").longValue()).isGreaterThan(device.getValue());
    }
  }

  private static List<String> users(List<Conversation> conversations) {
    return conversations.stream().flatMap(conversation -> conversation.members().stream()).distinct().toList();
  }
}
