package dev.chatsync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import dev.chatsync.system.ApiClient.Event;
import dev.chatsync.system.ApiClient.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two sync-service instances behind the gateway, which routes each user's stream by the user's
 * partition of the inbox notifications: every member gets every message by push, once, in order,
 * and each instance reads the notifications of its own partitions only, where before every
 * instance read them all.
 */
class StreamRoutingIT {

  private static final String NOTIFY = "chat.inbox-notify";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static LocalSystem system;
  private static ApiClient api;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void startTwoSyncInstances() throws Exception {
    // Heartbeats far apart: what arrives within seconds was pushed by a notification.
    system = LocalSystem.startRoutingStreamsOverTwo("stream-routing", Map.of("CHAT_STREAM_HEARTBEAT", "60s"));
    api = new ApiClient(system.gatewayPort);
    await("the gateway routes over both sync-service instances").atMost(Duration.ofSeconds(30))
        .until(() -> JsonPath.<Integer>read(get(system.gatewayPort, "/actuator/info"), "$.streamRouting.instances") == 2);
  }

  @AfterAll
  static void stopTheServices() throws Exception {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void eachInstanceReadsOnlyThePartitionsOfTheStreamsRoutedToIt() throws Exception {
    String sender = "s-" + suffix;
    List<String> members = IntStream.range(0, 12).mapToObj(i -> "m" + i + "-" + suffix).toList();
    Response created = api.call("POST", "/conversations", sender,
        "{\"type\":\"group\",\"title\":\"Routed\",\"members\":[\"" + String.join("\",\"", members) + "\"]}");
    assertThat(created.status()).isEqualTo(201);
    String conversationId = created.json("$.conversationId");

    List<ApiClient.Stream> streams = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalSystem.bootstrapServers()))) {
      for (String member : members) {
        streams.add(api.stream(member, "phone", null));
      }
      List<Integer> first = followed(system.syncPort);
      List<Integer> second = followed(system.secondSyncPort);
      assertThat(first).as("partitions followed by sync-service").isNotEmpty().doesNotContainAnyElementsOf(second);
      assertThat(second).as("partitions followed by sync-service-2").isNotEmpty();

      Map<Integer, Long> offsetsBefore = quietOffsets(admin);
      double firstBefore = notificationsRead(system.syncPort);
      double secondBefore = notificationsRead(system.secondSyncPort);

      Map<Long, Long> sentAtNanos = new java.util.HashMap<>();
      for (int i = 1; i <= 20; i++) {
        String body = "{\"clientMsgId\":\"routed-" + i + "\",\"type\":\"text\",\"body\":\"message " + i + "\"}";
        AtomicLong before = new AtomicLong();
        // A cold system may shed a send (503 overloaded, Retry-After: 1): the client retries it with
        // the same clientMsgId, as the API asks.
        Response sent = await("send " + i).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .pollDelay(Duration.ZERO)
            .until(() -> {
              before.set(System.nanoTime());
              return api.call("POST", "/conversations/" + conversationId + "/messages", sender, body);
            }, response -> response.status() != 503);
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        sentAtNanos.put(sent.<Integer>json("$.seq").longValue(), before.get());
      }
      List<Long> latenciesMillis = new ArrayList<>();
      for (ApiClient.Stream stream : streams) {
        List<Event> events = messagesOf(stream, conversationId, 20);
        assertThat(events).extracting(event -> event.<Integer>json("$.message.seq").longValue())
            .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
        events.forEach(event -> latenciesMillis.add(
            (event.arrivedNanos() - sentAtNanos.get(event.<Integer>json("$.message.seq").longValue())) / 1_000_000));
      }
      latenciesMillis.sort(null);
      System.out.printf("[routing] push latency over %d events: p50 %d ms, max %d ms%n", latenciesMillis.size(),
          latenciesMillis.get(latenciesMillis.size() / 2), latenciesMillis.get(latenciesMillis.size() - 1));
      // A stream that missed its pushes would wait for its heartbeat (60 s) or its client's reconnect after 20 s of silence.
      assertThat(latenciesMillis.get(latenciesMillis.size() - 1)).as("every message pushed, not pulled later").isLessThan(10_000);

      Map<Integer, Long> offsetsAfter = quietOffsets(admin);
      Map<Integer, Long> written = offsetsAfter.keySet().stream()
          .collect(Collectors.toMap(p -> p, p -> offsetsAfter.get(p) - offsetsBefore.getOrDefault(p, 0L)));
      long writtenAll = written.values().stream().mapToLong(Long::longValue).sum();
      long onFirst = first.stream().mapToLong(written::get).sum();
      long onSecond = second.stream().mapToLong(written::get).sum();
      // Each instance reads exactly what was written to its partitions: nothing of the other's.
      await("each instance read its partitions' notifications").atMost(Duration.ofSeconds(30)).until(() ->
          notificationsRead(system.syncPort) - firstBefore == onFirst
              && notificationsRead(system.secondSyncPort) - secondBefore == onSecond);
      System.out.printf("[routing] %d notifications written over %d partitions while 12 members got 20 messages each by "
          + "push; sync-service read %d (partitions %s), sync-service-2 read %d (partitions %s); read by every instance "
          + "before routing: %d each%n", writtenAll, written.size(), onFirst, first, onSecond, second, writtenAll);
      assertThat(onFirst).isLessThan(writtenAll);
      assertThat(onSecond).isLessThan(writtenAll);
    } finally {
      for (ApiClient.Stream stream : streams) {
        stream.close();
      }
    }
  }

  /** The end offsets of the notification topic once they have not moved for two seconds (the fanout may still be notifying). */
  private static Map<Integer, Long> quietOffsets(Admin admin) {
    AtomicReference<Map<Integer, Long>> last = new AtomicReference<>(Map.of());
    await("the notifications stop").atMost(Duration.ofSeconds(60)).during(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> {
          Map<Integer, Long> now = endOffsets(admin);
          return now.equals(last.getAndSet(now));
        });
    return last.get();
  }

  private static Map<Integer, Long> endOffsets(Admin admin) throws Exception {
    int partitions = admin.describeTopics(List.of(NOTIFY)).allTopicNames().get().get(NOTIFY).partitions().size();
    Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, partitions).boxed()
        .collect(Collectors.toMap(p -> new TopicPartition(NOTIFY, p), p -> OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get().entrySet().stream()
        .collect(Collectors.toMap(entry -> entry.getKey().partition(), entry -> entry.getValue().offset()));
  }

  private static List<Integer> followed(int syncPort) throws Exception {
    return JsonPath.read(get(syncPort, "/actuator/info"), "$.notify.followed");
  }

  private static double notificationsRead(int syncPort) throws Exception {
    return JsonPath.<Number>read(get(syncPort, "/actuator/metrics/chat.stream.notifications.read"),
        "$.measurements[0].value").doubleValue();
  }

  private static String get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static List<Event> messagesOf(ApiClient.Stream stream, String conversationId, int count) throws Exception {
    List<Event> found = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    while (found.size() < count) {
      Event event = stream.next(Duration.ofSeconds(30));
      if ("message".equals(event.kind()) && conversationId.equals(event.json("$.conversationId"))) {
        assertThat(ids.add(event.id())).as("event %s pushed once", event.id()).isTrue();
        found.add(event);
      }
    }
    return found;
  }
}
