package dev.chatsync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chatsync.system.ApiClient.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checker: tries hard to break the delivery guarantees (P1-P5, P8) on the real system, then
 * checks every member's inbox.
 *
 * <p>Concurrent senders in several groups with overlapping members and one direct conversation
 * send through two gateways, each in front of its own message-service instance, so that two
 * instances append to the same conversations at once. A quarter of the sends go out twice at the
 * same time with the same clientMsgId, one through each gateway, and every send is retried until
 * it is acknowledged, as a client would. fanout-service is killed with SIGKILL mid-run and started
 * again. Afterwards both fanout consumer groups are reset to the earliest offset and the fanout
 * runs through everything again. Then, for every member, the inbox must hold every acknowledged
 * message of each of their conversations exactly once and in conversation-seq order, read by
 * paging /sync with a small limit.
 */
class DeliveryCheckerIT {

  private static final int USERS = 12;
  private static final int MESSAGES_PER_MEMBER = 8;
  private static final int SENDERS = 12;
  private static final int SYNC_PAGE = 7;
  /** Sends start at this fixed interval, so that the run lasts long enough to outlive a fanout restart. */
  private static final long PACE_MILLIS = 150;

  private static LocalSystem system;
  private static ApiClient firstGateway;
  private static ApiClient secondGateway;

  private final String run = UUID.randomUUID().toString().substring(0, 6);
  private final AtomicInteger attempts = new AtomicInteger();

  @BeforeAll
  static void startTwoOfEverythingThatTakesSends() throws Exception {
    system = LocalSystem.start("checker");
    int secondMessagePort = system.startInstance("message-service", "message-service-2", Map.of());
    int secondGatewayPort = system.startInstance("gateway-service", "gateway-service-2",
        Map.of("CHAT_MESSAGE_PORT", Integer.toString(secondMessagePort)));
    firstGateway = new ApiClient(system.gatewayPort);
    secondGateway = new ApiClient(secondGatewayPort);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (system != null) {
      system.close();
    }
  }

  record Conversation(String id, List<String> members) {}

  record Send(String conversationId, String senderId, String clientMsgId, boolean twice) {}

  record Ack(long seq, String messageId) {}

  @Test
  void everyAcknowledgedMessageReachesEveryMemberOnceInOrder() throws Exception {
    List<String> users = IntStream.range(0, USERS).mapToObj(i -> "u" + i + "-" + run).toList();
    List<Conversation> conversations = List.of(
        group(users.subList(0, 6)),
        group(users.subList(3, 9)),
        group(users.subList(6, 12)),
        group(List.of(users.get(0), users.get(2), users.get(4), users.get(6), users.get(8), users.get(10))),
        direct(users.get(0), users.get(1)));

    List<Send> sends = plan(conversations);
    Map<Send, Ack> acks = sendAllWhileKillingTheFanout(sends);

    Map<String, Set<String>> expected = expectedInboxes(conversations, acks);
    await("every acknowledged message delivered").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
        .until(() -> deliveredCount(expected.keySet()) >= total(expected));

    replayTheFanoutFromTheEarliestOffsets();

    Result result = check(expected);
    System.out.println("checker: sent=" + attempts.get() + " acknowledged=" + acks.size() + " expected deliveries="
        + total(expected) + " delivered=" + result.delivered + " missing=" + result.missing + " duplicated="
        + result.duplicated + " out of order=" + result.outOfOrder);
    assertThat(acks).hasSize(sends.size());
    assertThat(result.missing).as("missing").isZero();
    assertThat(result.duplicated).as("duplicated").isZero();
    assertThat(result.outOfOrder).as("out of order").isZero();
    assertThat(result.delivered).isEqualTo(total(expected));
  }

  // ---- sending ----------------------------------------------------------------------------------

  private List<Send> plan(List<Conversation> conversations) {
    Random random = new Random(42);
    List<Send> sends = new ArrayList<>();
    for (Conversation conversation : conversations) {
      for (String member : conversation.members()) {
        for (int i = 0; i < MESSAGES_PER_MEMBER; i++) {
          sends.add(new Send(conversation.id(), member, member + "-" + i + "-" + conversation.id().substring(0, 8),
              random.nextInt(4) == 0));
        }
      }
    }
    Collections.shuffle(sends, random);
    return sends;
  }

  private Map<Send, Ack> sendAllWhileKillingTheFanout(List<Send> sends) throws Exception {
    Map<Send, Ack> acks = new ConcurrentHashMap<>();
    AtomicInteger done = new AtomicInteger();
    ScheduledExecutorService senders = Executors.newScheduledThreadPool(SENDERS);
    ExecutorService chaos = Executors.newSingleThreadExecutor();
    try {
      Future<?> fanoutKilledAndRestarted = chaos.submit(() -> {
        await().atMost(Duration.ofMinutes(2)).until(() -> done.get() >= sends.size() / 4);
        system.kill("fanout-service");
        System.out.println("checker: fanout-service killed (SIGKILL) after " + done.get() + " of " + sends.size() + " sends");
        system.startService("fanout-service");
        System.out.println("checker: fanout-service started again after " + done.get() + " of " + sends.size() + " sends");
        return null;
      });
      List<Future<?>> work = new ArrayList<>();
      for (int i = 0; i < sends.size(); i++) {
        Send send = sends.get(i);
        work.add(senders.schedule(() -> {
          acks.put(send, deliver(send));
          done.incrementAndGet();
          return null;
        }, i * PACE_MILLIS, TimeUnit.MILLISECONDS));
      }
      for (Future<?> each : work) {
        each.get();
      }
      fanoutKilledAndRestarted.get();
    } finally {
      senders.shutdownNow();
      chaos.shutdownNow();
    }
    return acks;
  }

  /** One send as a client makes it: retried until acknowledged, sometimes twice at once. */
  private Ack deliver(Send send) throws Exception {
    if (!send.twice()) {
      return sendUntilAcknowledged(send, firstGateway);
    }
    var other = Executors.newSingleThreadExecutor();
    try {
      Future<Ack> second = other.submit(() -> sendUntilAcknowledged(send, secondGateway));
      Ack first = sendUntilAcknowledged(send, firstGateway);
      Ack again = second.get();
      assertThat(again).as("both attempts of %s get one answer (P5)", send.clientMsgId()).isEqualTo(first);
      return first;
    } finally {
      other.shutdownNow();
    }
  }

  /** Retried every 200 ms (a fifth of the API's Retry-After) while the answer is 503. */
  private Ack sendUntilAcknowledged(Send send, ApiClient gateway) {
    String body = "{\"clientMsgId\":\"" + send.clientMsgId() + "\",\"type\":\"text\",\"body\":\"" + send.clientMsgId() + "\"}";
    AtomicReference<Ack> ack = new AtomicReference<>();
    await("send of " + send.clientMsgId() + " acknowledged").atMost(Duration.ofMinutes(1))
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          attempts.incrementAndGet();
          Response response = gateway.call("POST", "/conversations/" + send.conversationId() + "/messages", send.senderId(), body);
          if (response.status() == 200 || response.status() == 201) {
            ack.set(new Ack(response.<Number>json("$.seq").longValue(), response.json("$.messageId")));
            return true;
          }
          assertThat(response.status()).as("send of %s: %s", send.clientMsgId(), response.body()).isEqualTo(503);
          return false;
        });
    return ack.get();
  }

  // ---- checking ---------------------------------------------------------------------------------

  /** Per member, "conversationId/seq" of every acknowledged message of each of their conversations. */
  private static Map<String, Set<String>> expectedInboxes(List<Conversation> conversations, Map<Send, Ack> acks) {
    Map<String, List<Long>> seqsByConversation = new HashMap<>();
    acks.forEach((send, ack) -> seqsByConversation.computeIfAbsent(send.conversationId(), c -> new ArrayList<>()).add(ack.seq()));
    Map<String, Set<String>> expected = new HashMap<>();
    for (Conversation conversation : conversations) {
      List<Long> seqs = seqsByConversation.get(conversation.id());
      // The atomic append leaves no holes: a conversation's seqs are exactly 1..n (P3).
      assertThat(seqs).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, seqs.size()).boxed().toList());
      for (String member : conversation.members()) {
        seqs.forEach(seq -> expected.computeIfAbsent(member, m -> new HashSet<>()).add(conversation.id() + "/" + seq));
      }
    }
    return expected;
  }

  private static final class Result {
    int delivered;
    int missing;
    int duplicated;
    int outOfOrder;
  }

  private Result check(Map<String, Set<String>> expected) throws Exception {
    Result result = new Result();
    for (var member : expected.entrySet()) {
      List<Map<String, Object>> entries = pageThroughSync(member.getKey(), SYNC_PAGE);
      result.delivered += entries.size();
      Map<String, Long> lastSeqByConversation = new HashMap<>();
      Set<String> seen = new HashSet<>();
      for (Map<String, Object> entry : entries) {
        String conversationId = (String) entry.get("conversationId");
        long seq = ((Number) entry.get("conversationSeq")).longValue();
        if (!seen.add(conversationId + "/" + seq)) {
          result.duplicated++;
        }
        Long last = lastSeqByConversation.put(conversationId, seq);
        if (last != null && seq <= last) {
          result.outOfOrder++;
        }
      }
      result.missing += (int) member.getValue().stream().filter(key -> !seen.contains(key)).count();
    }
    return result;
  }

  /** Every inbox entry of the user, paging with a small limit; each page's cursor ACKs the last. */
  private List<Map<String, Object>> pageThroughSync(String userId, int limit) throws Exception {
    List<Map<String, Object>> entries = new ArrayList<>();
    long after = 0;
    while (true) {
      Response page = firstGateway.call("GET", "/sync?after=" + after + "&limit=" + limit, userId, null);
      assertThat(page.status()).as("sync of %s: %s", userId, page.body()).isEqualTo(200);
      List<Map<String, Object>> found = page.json("$.entries[*]");
      long previous = after;
      for (Map<String, Object> entry : found) {
        long seq = ((Number) entry.get("seq")).longValue();
        assertThat(seq).as("inbox seqs ascend without gaps (P4)").isEqualTo(previous + 1);
        previous = seq;
        @SuppressWarnings("unchecked")
        Map<String, Object> message = (Map<String, Object>) entry.get("message");
        entries.add(Map.of("conversationId", entry.get("conversationId"), "conversationSeq", message.get("seq")));
      }
      after = page.<Number>json("$.nextAfter").longValue();
      if (!Boolean.TRUE.equals(page.json("$.hasMore"))) {
        return entries;
      }
    }
  }

  private int deliveredCount(Set<String> members) throws Exception {
    int count = 0;
    for (String member : members) {
      count += pageThroughSync(member, 500).size();
    }
    return count;
  }

  private static int total(Map<String, Set<String>> expected) {
    return expected.values().stream().mapToInt(Set::size).sum();
  }

  // ---- replay -----------------------------------------------------------------------------------

  private void replayTheFanoutFromTheEarliestOffsets() throws Exception {
    system.stopService("fanout-service");
    system.consumerGroups("--group", "fanout-expand", "--topic", "chat.messages", "--reset-offsets", "--to-earliest", "--execute");
    system.consumerGroups("--group", "fanout-inbox", "--topic", "chat.inbox-appends", "--reset-offsets", "--to-earliest", "--execute");
    system.startService("fanout-service");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      await("the fanout replayed everything").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .until(() -> lag(admin, "fanout-expand") == 0 && lag(admin, "fanout-inbox") == 0);
    }
  }

  private static long lag(Admin admin, String group) throws Exception {
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

  private static String bootstrapServers() {
    return "127.0.0.1:" + Objects.requireNonNullElse(System.getenv("CHAT_KAFKA_PORT"), "9092");
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  private Conversation group(List<String> members) throws Exception {
    String creator = members.get(0);
    String others = members.subList(1, members.size()).stream().map(m -> "\"" + m + "\"").collect(Collectors.joining(","));
    Response created = firstGateway.call("POST", "/conversations", creator,
        "{\"type\":\"group\",\"title\":\"checker\",\"members\":[" + others + "]}");
    assertThat(created.status()).isEqualTo(201);
    return new Conversation(created.json("$.conversationId"), members);
  }

  private Conversation direct(String a, String b) throws Exception {
    Response created = firstGateway.call("POST", "/conversations", a, "{\"type\":\"direct\",\"members\":[\"" + b + "\"]}");
    assertThat(created.status()).isEqualTo(201);
    return new Conversation(created.json("$.conversationId"), List.of(a, b));
  }
}
