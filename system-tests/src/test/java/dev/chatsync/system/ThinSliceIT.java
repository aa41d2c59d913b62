package dev.chatsync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import dev.chatsync.system.ApiClient.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The thin slice end to end, through the gateway, with all four services running as processes on
 * the real Kafka broker and Cassandra node: create a group, send, every member's inbox gets the
 * message, sync returns it, history reads it.
 */
class ThinSliceIT {

  private static LocalSystem system;
  private static ApiClient api;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String alice = "alice-" + suffix;
  private final String bob = "bob-" + suffix;
  private final String carol = "carol-" + suffix;

  @BeforeAll
  static void startTheServices() throws Exception {
    system = LocalSystem.start("thin-slice");
    api = new ApiClient(system.gatewayPort);
  }

  @AfterAll
  static void stopTheServices() throws Exception {
    if (system != null) {
      system.close();
    }
    IdentityProvider.stop();
  }

  @Test
  void aGroupMessageReachesEveryMembersInboxAndHistory() throws Exception {
    Response created = api.call("POST", "/conversations", alice,
        "{\"type\":\"group\",\"title\":\"Team\",\"members\":[\"" + bob + "\",\"" + carol + "\"]}");
    assertThat(created.status()).isEqualTo(201);
    String conversationId = created.json("$.conversationId");
    assertThat(created.<List<String>>json("$.members")).containsExactly(alice, bob, carol);

    Response sent = api.call("POST", "/conversations/" + conversationId + "/messages", alice,
        "{\"clientMsgId\":\"c-1\",\"type\":\"text\",\"body\":\"hello team\"}");
    assertThat(sent.status()).isEqualTo(201);
    assertThat(sent.<Integer>json("$.seq")).isEqualTo(1);
    String messageId = sent.json("$.messageId");

    for (String member : List.of(bob, carol, alice)) {
      Response sync = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> api.call("GET", "/sync?after=0", member, null), page -> page.status() == 200
              && !page.<List<?>>json("$.entries").isEmpty());
      assertThat(sync.<List<?>>json("$.entries")).hasSize(1);
      assertThat(sync.<String>json("$.entries[0].kind")).isEqualTo("message");
      assertThat(sync.<String>json("$.entries[0].conversationId")).isEqualTo(conversationId);
      assertThat(sync.<String>json("$.entries[0].message.messageId")).isEqualTo(messageId);
      assertThat(sync.<String>json("$.entries[0].message.body")).isEqualTo("hello team");
      assertThat(sync.<String>json("$.entries[0].message.senderId")).isEqualTo(alice);
      assertThat(sync.<Integer>json("$.nextAfter")).isEqualTo(sync.<Integer>json("$.entries[0].seq"));
    }

    Response bobsList = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> api.call("GET", "/conversations?limit=10", bob, null),
            list -> list.status() == 200 && Integer.valueOf(1).equals(list.json("$.items[0].headSeq")));
    assertThat(bobsList.<String>json("$.items[0].conversationId")).isEqualTo(conversationId);
    assertThat(bobsList.<String>json("$.items[0].title")).isEqualTo("Team");
    assertThat(bobsList.<Integer>json("$.items[0].unreadCount")).isEqualTo(1);
    assertThat(bobsList.<String>json("$.items[0].lastMessage.body")).isEqualTo("hello team");
    Response alicesList = api.call("GET", "/conversations", alice, null);
    assertThat(alicesList.<Integer>json("$.items[0].unreadCount")).as("own messages are not unread").isZero();
    assertThat(alicesList.<Integer>json("$.items[0].readSeq")).isEqualTo(1);

    Response history = api.call("GET", "/conversations/" + conversationId + "/messages", carol, null);
    assertThat(history.status()).isEqualTo(200);
    assertThat(history.<List<String>>json("$.items[*].body")).containsExactly("hello team");
  }

  @Test
  void aStreamThroughTheGatewayReplaysThenPushesLive() throws Exception {
    String conversationId = api.call("POST", "/conversations", alice,
        "{\"type\":\"group\",\"title\":\"Live\",\"members\":[\"" + bob + "\"]}").json("$.conversationId");
    api.call("POST", "/conversations/" + conversationId + "/messages", alice, "{\"clientMsgId\":\"s-1\",\"body\":\"before\"}");
    await().atMost(Duration.ofSeconds(60)).until(() -> !api.call("GET", "/sync", bob, null).<List<?>>json("$.entries").isEmpty());

    try (ApiClient.Stream stream = api.stream(bob)) {
      ApiClient.Event replayed = stream.next(Duration.ofSeconds(30));
      assertThat(replayed.id()).isEqualTo("1");
      assertThat(replayed.<String>json("$.message.body")).isEqualTo("before");
      api.call("POST", "/conversations/" + conversationId + "/messages", alice, "{\"clientMsgId\":\"s-2\",\"body\":\"live\"}");
      ApiClient.Event live = stream.next(Duration.ofSeconds(30));
      assertThat(live.id()).isEqualTo("2");
      assertThat(live.kind()).isEqualTo("message");
      assertThat(live.<String>json("$.message.body")).isEqualTo("live");
    }
  }

  @Test
  void readingOnOneDeviceClearsTheUnreadCountAndTellsTheOthers() throws Exception {
    String dave = "dave-" + suffix;
    String conversationId = api.call("POST", "/conversations", alice,
        "{\"type\":\"direct\",\"members\":[\"" + dave + "\"]}").json("$.conversationId");
    api.call("POST", "/conversations/" + conversationId + "/messages", alice, "{\"clientMsgId\":\"d-1\",\"body\":\"ping\"}");
    await().atMost(Duration.ofSeconds(60)).until(() ->
        Integer.valueOf(1).equals(api.call("GET", "/conversations", dave, null).json("$.items[0].unreadCount")));

    assertThat(api.call("POST", "/conversations/" + conversationId + "/read", dave, "{\"upTo\":1}").status()).isEqualTo(204);

    await().atMost(Duration.ofSeconds(60)).until(() ->
        Integer.valueOf(0).equals(api.call("GET", "/conversations", dave, null).json("$.items[0].unreadCount")));
    Response otherDevice = api.call("GET", "/sync?after=1", dave, null);
    assertThat(otherDevice.<String>json("$.entries[0].kind")).isEqualTo("read");
    assertThat(otherDevice.<Integer>json("$.entries[0].upTo")).isEqualTo(1);
  }

  @Test
  void identityComesOnlyFromAVerifiedToken() throws Exception {
    String conversationId = api.call("POST", "/conversations", alice,
        "{\"type\":\"group\",\"title\":\"Team\",\"members\":[\"" + bob + "\"]}").json("$.conversationId");
    String mallory = "mallory-" + suffix;

    assertThat(api.call("GET", "/conversations/" + conversationId + "/messages", null, null).status()).isEqualTo(401);

    Response forged = api.callWithHeaders("GET", "/conversations/" + conversationId + "/messages", null, Map.of("Authorization", "Bearer " + api.token(mallory), "X-Chat-Identity", "v1.forged.by.mallory.x"));
    assertThat(forged.status()).isEqualTo(403);

    Response bypass = ApiClient.bypassingTheGateway(system.messagePort).call("GET", "/conversations/" + conversationId + "/messages", null, null);
    assertThat(bypass.status()).isEqualTo(401);
    assertThat(bypass.<String>json("$.type")).endsWith("/unauthenticated");
  }

  @Test
  void aBurstPastTheRateLimitIsRefusedWith429AndARefusedSendRetriedLaterIsAFirstSend() throws Exception {
    ApiClient limited = new ApiClient(secondGateway());
    String erin = "erin-" + suffix;
    String conversationId = api.call("POST", "/conversations", alice,
        "{\"type\":\"direct\",\"members\":[\"" + erin + "\"]}").json("$.conversationId");
    String messages = "/conversations/" + conversationId + "/messages";

    // All at once: one after the other, twenty round trips on a slow machine (the Testcontainers
    // run) took past four seconds, long enough for the bucket to refill and refuse nothing.
    Map<String, Response> burst = new java.util.concurrent.ConcurrentHashMap<>();
    ExecutorService senders = Executors.newFixedThreadPool(20);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String clientMsgId = "r-" + i;
        sent.add(senders.submit(() -> burst.put(clientMsgId, limited.call("POST", messages, alice,
            "{\"clientMsgId\":\"" + clientMsgId + "\",\"body\":\"burst\"}"))));
      }
      for (Future<?> send : sent) {
        send.get(60, TimeUnit.SECONDS);
      }
    } finally {
      senders.shutdownNow();
    }
    List<String> admitted = burst.entrySet().stream().filter(sent -> sent.getValue().status() == 201).map(Map.Entry::getKey).toList();
    List<String> refused = burst.entrySet().stream().filter(sent -> sent.getValue().status() == 429).map(Map.Entry::getKey).toList();
    assertThat(admitted.size() + refused.size()).isEqualTo(20);
    System.out.printf("rate limit (5 sends a second per user): a burst of 20 sends: %d answered 201, %d answered 429 "
        + "with Retry-After %s%n", admitted.size(), refused.size(), refused.isEmpty() ? "-" : burst.get(refused.get(0)).retryAfter());
    assertThat(refused).isNotEmpty();
    Response first = burst.get(refused.get(0));
    assertThat(first.retryAfter()).isEqualTo("1");
    assertThat(first.<String>json("$.type")).endsWith("/rate-limited");
    // Only the admitted sends were stored.
    assertThat(api.call("GET", messages + "?limit=200", alice, null).<List<String>>json("$.items[*].clientMsgId"))
        .containsExactlyInAnyOrderElementsOf(admitted);

    // Each refused send, retried after Retry-After, is a first send (201), not a repeat.
    for (String clientMsgId : refused) {
      Response retried = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .until(() -> limited.call("POST", messages, alice, "{\"clientMsgId\":\"" + clientMsgId + "\",\"body\":\"retried\"}"),
              answer -> answer.status() != 429);
      assertThat(retried.status()).isEqualTo(201);
    }
    List<Integer> seqs = api.call("GET", messages + "?limit=200", alice, null).json("$.items[*].seq");
    assertThat(seqs).hasSize(20).doesNotHaveDuplicates();
    await().atMost(Duration.ofSeconds(60)).until(() -> api.call("GET", "/sync?limit=100", erin, null)
        .<List<String>>json("$.entries[*].kind").stream().filter("message"::equals).count() == 20);
  }

  @Test
  void aTokenOfAnIdentityProviderIsVerifiedWithItsPublishedKeys() throws Exception {
    ApiClient provider = new ApiClient(secondGateway());
    String frank = "frank-" + suffix;
    String token = IdentityProvider.sign(frank, 600);
    Map<String, String> asFrank = Map.of("Authorization", "Bearer " + token);

    Response created = provider.callWithHeaders("POST", "/conversations",
        "{\"type\":\"direct\",\"members\":[\"" + alice + "\"]}", asFrank);
    assertThat(created.status()).isEqualTo(201);
    String conversationId = created.json("$.conversationId");
    Response sent = provider.callWithHeaders("POST", "/conversations/" + conversationId + "/messages",
        "{\"clientMsgId\":\"j-1\",\"body\":\"signed by the provider's key\"}", asFrank);
    assertThat(sent.status()).isEqualTo(201);
    assertThat(sent.<String>json("$.senderId")).isEqualTo(frank);
    System.out.printf("RS256 token of kid %s from %s: POST /conversations -> %d, POST .../messages -> %d (seq %s, sender %s)%n",
        IdentityProvider.KEY_ID, IdentityProvider.jwksUri(), created.status(), sent.status(), sent.json("$.seq"),
        sent.json("$.senderId"));

    // Expired, for another audience, or signed by a key the provider never published: 401.
    assertThat(provider.callWithHeaders("GET", "/conversations", null,
        Map.of("Authorization", "Bearer " + IdentityProvider.sign(frank, -120))).status()).isEqualTo(401);
    assertThat(provider.callWithHeaders("GET", "/conversations", null,
        Map.of("Authorization", "Bearer " + IdentityProvider.signForAudience(frank, "another-app"))).status()).isEqualTo(401);
    assertThat(provider.callWithHeaders("GET", "/conversations", null,
        Map.of("Authorization", "Bearer " + IdentityProvider.signWithUnpublishedKey(frank))).status()).isEqualTo(401);
  }

  private static int secondGatewayPort;

  /**
   * A second gateway with the rate limits on (5 sends a second per user) and the identity
   * provider's keys configured besides the dev secret; started once, by the first test that needs it.
   */
  private static synchronized int secondGateway() throws Exception {
    if (secondGatewayPort == 0) {
      secondGatewayPort = system.startInstance("gateway-service", "gateway-service-2", Map.of(
          "CHAT_RATELIMITS_ENABLED", "true",
          "CHAT_RATELIMITS_USERSENDSPERSECOND", "5",
          "CHAT_AUTH_JWKSETURI", IdentityProvider.jwksUri(),
          "CHAT_AUTH_ISSUER", IdentityProvider.ISSUER,
          "CHAT_AUTH_AUDIENCES", IdentityProvider.AUDIENCE));
    }
    return secondGatewayPort;
  }

  /**
   * The API description is served by the gateway without a token, passes the OpenAPI linter
   * (Spectral's OpenAPI rules, a warning failing too), describes every route with its problem responses and
   * the stream's events, and has a page that shows it. (Every answer every system test gets is held
   * against it besides: ApiClient.)
   */
  @Test
  void theApiDescriptionIsServedWithoutATokenPassesTheLinterAndHasAPage() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> served = http.send(HttpRequest.newBuilder(URI.create(system.gateway() + "/openapi.json")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(served.statusCode()).isEqualTo(200);
    String description = served.body();
    assertThat(JsonPath.<String>read(description, "$.openapi")).startsWith("3.1");
    Map<String, Object> paths = JsonPath.read(description, "$.paths");
    assertThat(paths.keySet()).contains("/api/v1/conversations", "/api/v1/conversations/{conversationId}",
        "/api/v1/conversations/{conversationId}/members", "/api/v1/conversations/{conversationId}/members/{userId}",
        "/api/v1/conversations/{conversationId}/messages", "/api/v1/conversations/{conversationId}/read",
        "/api/v1/conversations/{conversationId}/messages/{seq}/receipts", "/api/v1/sync", "/api/v1/ack", "/api/v1/stream",
        "/api/v1/dev/tokens");
    assertThat(JsonPath.<Map<String, Object>>read(description, "$.paths['/api/v1/conversations/{conversationId}/messages'].post.responses"))
        .containsKeys("200", "201", "400", "401", "403", "404", "413", "429", "503");
    assertThat(JsonPath.<Map<String, Object>>read(description, "$.paths['/api/v1/stream'].get.responses['200'].content"))
        .containsKey("text/event-stream");

    // The check every answer of these tests goes through refuses what the description does not say.
    OpenApiContract contract = OpenApiContract.of(system.gatewayPort);
    String send = "/api/v1/conversations/c-1/messages";
    assertThatThrownBy(() -> contract.check("POST", send, 418, "application/json", "{}")).hasMessageContaining("does not list");
    assertThatThrownBy(() -> contract.check("POST", send, 201, "application/json", "{\"seq\":\"one\"}"))
        .hasMessageContaining("breaks its described schema").hasMessageContaining("/seq");
    assertThatThrownBy(() -> contract.check("POST", send, 400, "text/plain", "bad")).hasMessageContaining("does not list");
    assertThatThrownBy(() -> contract.check("GET", "/api/v1/nowhere", 200, "application/json", "{}"))
        .hasMessageContaining("no operation");
    contract.check("POST", send, 201, "application/json", "{\"seq\":1,\"messageId\":\"m\"}");

    Path file = LocalSystem.REPO.resolve("system-tests/target/openapi.json");
    Files.writeString(file, description);
    Process lint = new ProcessBuilder("deploy/local/spectral.sh", "lint", file.toString(),
        "--ruleset", "system-tests/spectral.yaml", "--format", "stylish", "--fail-severity", "warn")
        .directory(LocalSystem.REPO.toFile()).redirectErrorStream(true).start();
    String report = new String(lint.getInputStream().readAllBytes());
    int exit = lint.waitFor();
    System.out.println("Spectral (spectral:oas) on the API description of " + paths.size() + " paths, exit " + exit + ":\n"
        + (report.isBlank() ? "  no errors, no warnings" : report.strip()));
    assertThat(exit).as("Spectral's errors:\n" + report).isZero();

    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(system.gateway() + "/docs")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("openapi.json").contains("swagger-ui-bundle.js");
    assertThat(http.send(HttpRequest.newBuilder(URI.create(system.gateway() + "/docs/assets/swagger-ui/swagger-ui-bundle.js"))
        .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
  }
}

