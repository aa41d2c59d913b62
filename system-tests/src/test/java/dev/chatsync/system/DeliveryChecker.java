package dev.chatsync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chatsync.system.ApiClient.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
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
import org.awaitility.core.ConditionTimeoutException;

/**
 * The checker: members send as clients do (every send retried until acknowledged, a quarter of
 * them twice at once through two gateways) while a fault is injected, then every member's inbox
 * must hold every acknowledged message of each of their conversations exactly once and in
 * conversation-seq order, read by paging /sync with a small limit (P1-P5). One line per run:
 * {@code checker[fault]: sent=… acknowledged=… expected deliveries=… delivered=… missing=…
 * duplicated=… out of order=…}.
 */
final class DeliveryChecker {

  record Conversation(String id, List<String> members) {}

  record Send(String conversationId, String senderId, String clientMsgId, boolean twice) {}

  record Ack(long seq, String messageId) {}

  record Result(String fault, int sent, int acknowledged, int expected, int delivered, int missing, int duplicated,
      int outOfOrder, int unavailable, Map<String, Integer> unavailableByType, int unavailableWithoutRetryAfter) {

    String line() {
      return "checker[" + fault + "]: sent=" + sent + " acknowledged=" + acknowledged + " expected deliveries=" + expected
          + " delivered=" + delivered + " missing=" + missing + " duplicated=" + duplicated + " out of order=" + outOfOrder
          + " (503s: " + unavailable + (unavailableByType.isEmpty() ? "" : " " + new TreeMap<>(unavailableByType))
          + ", without Retry-After: " + unavailableWithoutRetryAfter + ")";
    }

    /** Every line of a series of runs must end 0 / 0 / 0 (checked after all of them ran, so all print). */
    static void assertAllClean(List<String> lines) {
      assertThat(lines).allSatisfy(line -> assertThat(line)
          .contains("missing=0 duplicated=0 out of order=0").contains("without Retry-After: 0)"));
    }

    void assertClean() {
      assertThat(missing).as("missing").isZero();
      assertThat(duplicated).as("duplicated").isZero();
      assertThat(outOfOrder).as("out of order").isZero();
      assertThat(delivered).as("delivered").isEqualTo(expected);
      assertThat(unavailableWithoutRetryAfter).as("503s without Retry-After").isZero();
    }
  }

  private static final int SYNC_PAGE = 7;
  private static final Duration SEND_DEADLINE = Duration.ofMinutes(3);

  private final List<ApiClient> gateways;
  private final String run;
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger unavailableWithoutRetryAfter = new AtomicInteger();
  /** By problem type (overloaded, unavailable, ...): why the system turned sends away. */
  private final Map<String, Integer> unavailableByType = new ConcurrentHashMap<>();

  /** @param gateways where clients send; a send that finds one gateway down goes to the next */
  DeliveryChecker(List<ApiClient> gateways, String run) {
    this.gateways = gateways;
    this.run = run;
  }

  /** Four groups with overlapping members and one direct conversation, among {@code users} users. */
  List<Conversation> conversations(int users) throws Exception {
    List<String> names = IntStream.range(0, users).mapToObj(i -> "u" + i + "-" + run).toList();
    return List.of(
        group(names.subList(0, users / 2)),
        group(names.subList(users / 4, 3 * users / 4)),
        group(names.subList(users / 2, users)),
        group(IntStream.range(0, users).filter(i -> i % 2 == 0).mapToObj(names::get).toList()),
        direct(names.get(0), names.get(1)));
  }

  /** One group of all {@code users} users: over the read-fanout threshold where the run sets it below that. */
  Conversation everyone(int users) throws Exception {
    return group(IntStream.range(0, users).mapToObj(i -> "u" + i + "-" + run).toList());
  }

  /** Each member sends {@code perMember} messages to each of their conversations, in a shuffled order. */
  static List<Send> plan(List<Conversation> conversations, int perMember, long seed) {
    return plan(conversations, perMember, seed, "");
  }

  /** @param tag keeps the clientMsgIds of several plans for the same conversations apart */
  static List<Send> plan(List<Conversation> conversations, int perMember, long seed, String tag) {
    Random random = new Random(seed);
    List<Send> sends = new ArrayList<>();
    for (Conversation conversation : conversations) {
      for (String member : conversation.members()) {
        for (int i = 0; i < perMember; i++) {
          sends.add(new Send(conversation.id(), member, member + "-" + tag + i + "-" + conversation.id().substring(0, 8),
              random.nextInt(4) == 0));
        }
      }
    }
    Collections.shuffle(sends, random);
    return sends;
  }

  /** Sends running in the background, started one every {@code paceMillis}. */
  final class Sending {
    private final Map<Send, Ack> acks = new ConcurrentHashMap<>();
    private final AtomicInteger done = new AtomicInteger();
    private final List<Future<?>> work = new ArrayList<>();
    private final ScheduledExecutorService senders = Executors.newScheduledThreadPool(12);
    private final int total;

    private Sending(List<Send> sends, long paceMillis) {
      total = sends.size();
      for (int i = 0; i < sends.size(); i++) {
        Send send = sends.get(i);
        work.add(senders.schedule(() -> {
          acks.put(send, deliver(send));
          done.incrementAndGet();
          return null;
        }, i * paceMillis, TimeUnit.MILLISECONDS));
      }
    }

    int done() {
      return done.get();
    }

    int total() {
      return total;
    }

    /** Waits until a share of the sends is acknowledged: where a fault goes in. */
    void awaitShare(double share) {
      await().atMost(SEND_DEADLINE).until(() -> done.get() >= total * share);
    }

    Map<Send, Ack> awaitAll() throws Exception {
      try {
        for (Future<?> each : work) {
          each.get();
        }
      } finally {
        senders.shutdownNow();
      }
      assertThat(acks).hasSize(total);
      return acks;
    }
  }

  Sending start(List<Send> sends, long paceMillis) {
    return new Sending(sends, paceMillis);
  }

  /** One send as a client makes it: retried until acknowledged, sometimes twice at once (P5). */
  private Ack deliver(Send send) throws Exception {
    if (!send.twice() || gateways.size() < 2) {
      return sendUntilAcknowledged(send, 0);
    }
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      Future<Ack> second = other.submit(() -> sendUntilAcknowledged(send, 1));
      Ack first = sendUntilAcknowledged(send, 0);
      assertThat(second.get()).as("both attempts of %s get one answer (P5)", send.clientMsgId()).isEqualTo(first);
      return first;
    } finally {
      other.shutdownNow();
    }
  }

  /** Retried every 200 ms while the answer is a 5xx or no answer, on the next gateway after a failure. */
  private Ack sendUntilAcknowledged(Send send, int firstGateway) {
    String body = "{\"clientMsgId\":\"" + send.clientMsgId() + "\",\"type\":\"text\",\"body\":\"" + send.clientMsgId() + "\"}";
    AtomicReference<Ack> ack = new AtomicReference<>();
    AtomicInteger gateway = new AtomicInteger(firstGateway);
    await("send of " + send.clientMsgId() + " acknowledged").atMost(SEND_DEADLINE)
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          attempts.incrementAndGet();
          Response response = call(gateway, "POST", "/conversations/" + send.conversationId() + "/messages", send.senderId(),
              body);
          if (response == null) {
            return false;
          }
          if (response.status() == 200 || response.status() == 201) {
            ack.set(new Ack(response.<Number>json("$.seq").longValue(), response.json("$.messageId")));
            return true;
          }
          assertThat(response.status()).as("send of %s: %s", send.clientMsgId(), response.body()).isIn(502, 503, 504);
          return false;
        });
    return ack.get();
  }

  private static String problemType(Response response) {
    try {
      String type = response.json("$.type");
      return type == null ? "untyped" : type.substring(type.lastIndexOf('/') + 1);
    } catch (RuntimeException notAProblem) {
      return "untyped";
    }
  }

  /** The call on the current gateway; no answer (it is down) moves to the next one and gives null. */
  private Response call(AtomicInteger gateway, String method, String path, String userId, String body) throws Exception {
    ApiClient client = gateways.get(Math.floorMod(gateway.get(), gateways.size()));
    try {
      Response response = client.call(method, path, userId, body);
      if (response.status() == 503) {
        unavailable.incrementAndGet();
        unavailableByType.merge(problemType(response), 1, Integer::sum);
        if (response.retryAfter() == null) {
          unavailableWithoutRetryAfter.incrementAndGet();
        }
      }
      if (response.status() >= 500) {
        gateway.incrementAndGet();
      }
      return response;
    } catch (IOException down) {
      gateway.incrementAndGet();
      return null;
    }
  }

  /** Per member, "conversationId/seq" of every acknowledged message of each of their conversations. */
  static Map<String, Set<String>> expected(List<Conversation> conversations, Map<Send, Ack> acks) {
    Map<String, List<Long>> seqsByConversation = new HashMap<>();
    acks.forEach((send, ack) -> seqsByConversation.computeIfAbsent(send.conversationId(), c -> new ArrayList<>()).add(ack.seq()));
    Map<String, Set<String>> expected = new HashMap<>();
    for (Conversation conversation : conversations) {
      List<Long> seqs = seqsByConversation.getOrDefault(conversation.id(), List.of());
      // The atomic append leaves no holes: a conversation's seqs are exactly 1..n (P3).
      assertThat(seqs).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, seqs.size()).boxed().toList());
      for (String member : conversation.members()) {
        seqs.forEach(seq -> expected.computeIfAbsent(member, m -> new HashSet<>()).add(conversation.id() + "/" + seq));
      }
    }
    return expected;
  }

  /** Waits until the inboxes hold as many entries as expected; if they never do, {@link #check} says what is missing. */
  void awaitDelivered(Map<String, Set<String>> expected, Duration within) {
    try {
      await("every acknowledged message delivered").atMost(within).pollInterval(Duration.ofSeconds(1))
          .until(() -> delivered(expected.keySet()) >= total(expected));
    } catch (ConditionTimeoutException incomplete) {
      System.out.println("checker: the inboxes were still incomplete after " + within);
    }
  }

  Result check(String fault, Map<String, Set<String>> expected, int acknowledged) throws Exception {
    int delivered = 0;
    int missing = 0;
    int duplicated = 0;
    int outOfOrder = 0;
    for (var member : expected.entrySet()) {
      List<String> entries = inbox(member.getKey(), SYNC_PAGE);
      delivered += entries.size();
      Map<String, Long> lastSeqByConversation = new HashMap<>();
      Set<String> seen = new HashSet<>();
      for (String entry : entries) {
        if (!seen.add(entry)) {
          duplicated++;
        }
        String conversationId = entry.substring(0, entry.lastIndexOf('/'));
        long seq = Long.parseLong(entry.substring(entry.lastIndexOf('/') + 1));
        Long last = lastSeqByConversation.put(conversationId, seq);
        if (last != null && seq <= last) {
          outOfOrder++;
        }
      }
      missing += (int) member.getValue().stream().filter(key -> !seen.contains(key)).count();
    }
    Result result = new Result(fault, attempts.get(), acknowledged, total(expected), delivered, missing, duplicated, outOfOrder,
        unavailable.get(), Map.copyOf(unavailableByType), unavailableWithoutRetryAfter.get());
    System.out.println(result.line());
    return result;
  }

  /**
   * Every message the user's device shows, as "conversationId/seq", in the order it learns of them:
   * the message entries of the inbox, paging from the start of what the inbox holds (after a
   * rebuild: from its low-water mark, which the 410 names), each page's cursor acknowledging the
   * last; and for a large group's channel-activity entry, what the history holds after the last
   * message shown of that conversation, to its end (docs/api.md, "Large groups": the checker's
   * groups keep their members, so membership entries send it nowhere). Pages must
   * ascend without gaps (P4); a channel-activity entry for the same head twice counts as a
   * duplicate (P2).
   */
  List<String> inbox(String userId, int limit) throws Exception {
    List<String> entries = new ArrayList<>();
    Map<String, Long> shownUpTo = new HashMap<>();
    Set<String> told = new HashSet<>();
    long after = 0;
    AtomicInteger gateway = new AtomicInteger();
    while (true) {
      Response page = call(gateway, "GET", "/sync?after=" + after + "&limit=" + limit, userId, null);
      if (page == null || page.status() >= 500) {
        // A client's pause before it retries, not a wait for a condition.
        Thread.sleep(200);
        continue;
      }
      if (page.status() == 410 && after == 0) {
        after = page.<Number>json("$.lowWaterSeq").longValue();
        continue;
      }
      assertThat(page.status()).as("sync of %s: %s", userId, page.body()).isEqualTo(200);
      List<Map<String, Object>> found = page.json("$.entries[*]");
      long previous = after;
      for (Map<String, Object> entry : found) {
        long seq = ((Number) entry.get("seq")).longValue();
        assertThat(seq).as("inbox seqs ascend without gaps (P4)").isEqualTo(previous + 1);
        previous = seq;
        String conversationId = (String) entry.get("conversationId");
        if ("message".equals(entry.get("kind"))) {
          @SuppressWarnings("unchecked")
          Map<String, Object> message = (Map<String, Object>) entry.get("message");
          long messageSeq = ((Number) message.get("seq")).longValue();
          entries.add(conversationId + "/" + messageSeq);
          shownUpTo.merge(conversationId, messageSeq, Math::max);
        } else if ("channel-activity".equals(entry.get("kind"))) {
          if (!told.add(conversationId + "/" + entry.get("headSeq"))) {
            entries.add(conversationId + "/told-twice-" + entry.get("headSeq"));
          }
          for (long shown : history(gateway, userId, conversationId, shownUpTo.getOrDefault(conversationId, 0L))) {
            entries.add(conversationId + "/" + shown);
            shownUpTo.merge(conversationId, shown, Math::max);
          }
        }
      }
      after = page.<Number>json("$.nextAfter").longValue();
      if (!Boolean.TRUE.equals(page.json("$.hasMore"))) {
        return entries;
      }
    }
  }

  /** The seqs of the conversation's messages after {@code after}, to the end of its history, as the user reads them. */
  private List<Long> history(AtomicInteger gateway, String userId, String conversationId, long after) throws Exception {
    List<Long> seqs = new ArrayList<>();
    long from = after;
    while (true) {
      Response page = call(gateway, "GET", "/conversations/" + conversationId + "/messages?after=" + from + "&limit=200", userId,
          null);
      if (page == null || page.status() >= 500) {
        Thread.sleep(200); // a client's pause before it retries
        continue;
      }
      assertThat(page.status()).as("history of %s for %s: %s", conversationId, userId, page.body()).isEqualTo(200);
      List<Number> found = page.json("$.items[*].seq");
      found.forEach(seq -> seqs.add(seq.longValue()));
      if (found.isEmpty() || !Boolean.TRUE.equals(page.json("$.hasMore"))) {
        return seqs;
      }
      from = seqs.get(seqs.size() - 1);
    }
  }

  private int delivered(Set<String> members) throws Exception {
    int count = 0;
    for (String member : members) {
      count += inbox(member, 500).size();
    }
    return count;
  }

  static int total(Map<String, Set<String>> expected) {
    return expected.values().stream().mapToInt(Set::size).sum();
  }

  private Conversation group(List<String> members) throws Exception {
    String others = members.subList(1, members.size()).stream().map(m -> "\"" + m + "\"").collect(Collectors.joining(","));
    Response created = gateways.get(0).call("POST", "/conversations", members.get(0),
        "{\"type\":\"group\",\"title\":\"checker\",\"members\":[" + others + "]}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return new Conversation(created.json("$.conversationId"), members);
  }

  private Conversation direct(String a, String b) throws Exception {
    Response created = gateways.get(0).call("POST", "/conversations", a, "{\"type\":\"direct\",\"members\":[\"" + b + "\"]}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return new Conversation(created.json("$.conversationId"), List.of(a, b));
  }
}
