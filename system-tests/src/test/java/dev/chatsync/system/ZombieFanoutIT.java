package dev.chatsync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.system.ApiClient.Response;
import dev.chatsync.system.DeliveryChecker.Ack;
import dev.chatsync.system.DeliveryChecker.Conversation;
import dev.chatsync.system.DeliveryChecker.Send;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fanout instance that stalls past its session timeout (SIGSTOP: a GC pause, CPU starvation)
 * while sends go on, and wakes after its partitions moved to the other instance (SIGCONT). It
 * must write nothing: every inbox complete, no entry a device has seen replaced by another, no
 * inbox head, applied mark or stage-1 progress ever moving back (P1, P2, P4).
 */
class ZombieFanoutIT {

  private static final int STALLS = 3;

  private static LocalSystem system;
  private static ApiClient gateway;
  private static CqlSession cql;

  private final String run = UUID.randomUUID().toString().substring(0, 6);

  @BeforeAll
  static void startTwoFanoutInstances() throws Exception {
    system = LocalSystem.start("zombie");
    system.startInstance("fanout-service", "fanout-service-2", Map.of());
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
  void aFanoutThatWakesAfterItsPartitionsMovedWritesNothing() throws Exception {
    DeliveryChecker checker = new DeliveryChecker(List.of(gateway), run);
    List<Conversation> conversations = checker.conversations(12);
    List<String> users = conversations.stream().flatMap(c -> c.members().stream()).distinct().toList();
    // As many sends as the machine takes, so that the stalled instance is in the middle of a write
    // when it stops, as a busy one would be.
    DeliveryChecker.Sending sending = checker.start(DeliveryChecker.plan(conversations, 40, 11), 15);

    Watcher watcher = new Watcher(users, conversations.stream().map(Conversation::id).toList());
    Thread watching = new Thread(watcher, "watcher");
    watching.start();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalSystem.bootstrapServers()))) {
      for (int stall = 1; stall <= STALLS; stall++) {
        sending.awaitShare(0.2 + 0.25 * (stall - 1));
        system.pause("fanout-service");
        // Stalled until its session expired and its partitions went to the other instance.
        await().atMost(Duration.ofMinutes(1)).until(() -> members(admin, "fanout-inbox") == 3 && members(admin, "fanout-expand") == 3);
        system.resume("fanout-service");
        System.out.println("zombie: fanout-service stalled (SIGSTOP) past its session and woke (SIGCONT), " + stall + " of "
            + STALLS + ", after " + sending.done() + " of " + sending.total() + " sends");
        await().atMost(Duration.ofMinutes(1)).until(() -> members(admin, "fanout-inbox") == 6);
      }
      Map<Send, Ack> acks = sending.awaitAll();
      Map<String, Set<String>> expected = DeliveryChecker.expected(conversations, acks);
      checker.awaitDelivered(expected, Duration.ofMinutes(3));
      DeliveryChecker.Result result = checker.check("a fanout instance stalled past its session timeout " + STALLS
          + " times while sends went on", expected, acks.size());

      watcher.stop();
      watching.join();
      int overwritten = watcher.overwritten();
      System.out.println("zombie: inbox entries seen by a device, then replaced: " + overwritten + "; marks moved back: "
          + watcher.movedBack + " (of " + watcher.samples + " samples)");
      result.assertClean();
      assertThat(overwritten).as("entries a device saw, then replaced").isZero();
      assertThat(watcher.movedBack.get()).as("inbox heads, applied marks or stage-1 progress moved back").isZero();
    }
  }

  private static int members(Admin admin, String group) throws Exception {
    return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
  }

  /**
   * What a device saw of every inbox while the run went on, and the marks over time: each inbox's
   * head and applied marks, each conversation's stage-1 progress.
   */
  private static final class Watcher implements Runnable {
    private final List<String> users;
    private final List<String> conversations;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, String> seen = new ConcurrentHashMap<>();
    private final Map<String, Long> cursors = new HashMap<>();
    private final Map<String, Long> marks = new HashMap<>();
    final AtomicInteger movedBack = new AtomicInteger();
    final AtomicInteger samples = new AtomicInteger();

    Watcher(List<String> users, List<String> conversations) {
      this.users = users;
      this.conversations = conversations;
    }

    @Override
    public void run() {
      while (running.get()) {
        try {
          sampleMarks();
          for (String user : users) {
            readAhead(user);
          }
        } catch (Exception passing) {
          // A read that failed is tried again on the next round.
        }
      }
    }

    void stop() {
      running.set(false);
    }

    private void readAhead(String user) throws Exception {
      long after = cursors.getOrDefault(user, 0L);
      Response page = gateway.callFrom("GET", "/sync?after=" + after + "&limit=100", user, "watcher", null);
      if (page.status() != 200) {
        return;
      }
      List<Map<String, Object>> entries = page.json("$.entries[*]");
      for (Map<String, Object> entry : entries) {
        seen.put(user + "/" + entry.get("seq"), identity(entry));
      }
      cursors.put(user, page.<Number>json("$.nextAfter").longValue());
    }

    private void sampleMarks() {
      samples.incrementAndGet();
      for (Row row : cql.execute("SELECT user_id, head_seq, applied FROM inbox_state WHERE user_id IN ?", users)) {
        observe("head " + row.getString("user_id"), row.getLong("head_seq"));
        row.getMap("applied", String.class, Long.class)
            .forEach((key, value) -> observe("applied " + row.getString("user_id") + " " + key, value));
      }
      for (Row row : cql.execute("SELECT conversation_id, fanned_seq FROM fanout_progress WHERE conversation_id IN ?",
          conversations)) {
        observe("progress " + row.getString("conversation_id"), row.getLong("fanned_seq"));
      }
    }

    private void observe(String mark, long value) {
      Long before = marks.put(mark, value);
      if (before != null && value < before) {
        movedBack.incrementAndGet();
        System.out.println("zombie: " + mark + " moved back from " + before + " to " + value);
      }
    }

    /** Entries a device saw whose seq now holds something else. */
    int overwritten() throws Exception {
      Map<String, String> now = new HashMap<>();
      for (String user : users) {
        long after = 0;
        while (true) {
          Response page = gateway.callFrom("GET", "/sync?after=" + after + "&limit=500", user, "watcher", null);
          assertThat(page.status()).isEqualTo(200);
          for (Map<String, Object> entry : page.<List<Map<String, Object>>>json("$.entries[*]")) {
            now.put(user + "/" + entry.get("seq"), identity(entry));
          }
          after = page.<Number>json("$.nextAfter").longValue();
          if (!Boolean.TRUE.equals(page.json("$.hasMore"))) {
            break;
          }
        }
      }
      List<String> replaced = new ArrayList<>();
      seen.forEach((position, identity) -> {
        if (!identity.equals(now.get(position))) {
          replaced.add(position + " was " + identity + ", is " + now.get(position));
        }
      });
      replaced.stream().limit(10).forEach(line -> System.out.println("zombie: replaced " + line));
      return replaced.size();
    }

    @SuppressWarnings("unchecked")
    private static String identity(Map<String, Object> entry) {
      Object seq = entry.get("message") instanceof Map<?, ?> message ? ((Map<String, Object>) message).get("seq") : entry.get("upTo");
      return entry.get("kind") + " " + entry.get("conversationId") + " " + seq;
    }
  }
}
