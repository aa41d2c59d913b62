package dev.chatsync.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chatsync.contracts.KeyPartitions;
import dev.chatsync.contracts.identity.GatewayIdentity;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The gateway in front of two stand-in sync-service instances and a default route: a user's
 * stream goes to the instance chosen for the user's notification partition, the same one for
 * every user of the partition, and elsewhere when that instance is not ready.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class GatewayStreamRoutingTest {

  /** Many partitions, so that two instances each win some whatever their ports. */
  private static final int PARTITIONS = 64;

  private static final StandIn FIRST = new StandIn("first");
  private static final StandIn SECOND = new StandIn("second");
  private static final StandIn DEFAULT_ROUTE = new StandIn("default");

  /** A sync-service as the gateway sees it: readiness, the partition count in its info, and who answered. */
  private static final class StandIn {
    final AtomicBoolean ready = new AtomicBoolean(true);
    final DisposableServer server;

    StandIn(String name) {
      server = HttpServer.create().host("127.0.0.1").port(0).route(routes -> routes
          .get("/actuator/health/readiness", (request, response) -> ready.get()
              ? response.sendString(Mono.just("{\"status\":\"UP\"}")) : response.status(503).send())
          .get("/actuator/info", (request, response) -> response.header("Content-Type", "application/json")
              .sendString(Mono.just("{\"notify\":{\"partitions\":" + PARTITIONS + ",\"followed\":0}}")))
          .route(request -> true, (request, response) -> response.header("Content-Type", "application/json")
              .sendString(Mono.just("{\"instance\":\"" + name + "\",\"uri\":\"" + request.uri() + "\",\"identity\":\""
                  + request.requestHeaders().get(GatewayIdentity.HEADER, "") + "\"}"))))
          .bindNow();
    }

    String uri() {
      return "http://127.0.0.1:" + server.port();
    }
  }

  @DynamicPropertySource
  static void routes(DynamicPropertyRegistry registry) {
    registry.add("chat.routes.sync-service", DEFAULT_ROUTE::uri);
    registry.add("chat.routes.message-service", DEFAULT_ROUTE::uri);
    registry.add("chat.stream-routing.instances", () -> FIRST.uri() + "," + SECOND.uri());
    registry.add("chat.stream-routing.refresh", () -> "200ms");
  }

  @AfterAll
  static void stopTheStandIns() {
    List.of(FIRST, SECOND, DEFAULT_ROUTE).forEach(standIn -> standIn.server.disposeNow());
  }

  @AfterEach
  void allReadyAgain() {
    FIRST.ready.set(true);
    SECOND.ready.set(true);
  }

  @Autowired WebTestClient web;

  @Test
  void everyUserOfAPartitionGoesToOneInstanceAndBothInstancesGetPartitions() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !"default".equals(streamOf("user-0").get("instance")));
    Map<Integer, String> instanceOfPartition = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      String user = "user-" + i;
      Map<?, ?> answer = streamOf(user);
      String previous = instanceOfPartition.putIfAbsent(KeyPartitions.of(user, PARTITIONS), answer.get("instance").toString());
      if (previous != null) {
        assertThat(answer.get("instance")).as("%s, partition %d", user, KeyPartitions.of(user, PARTITIONS)).isEqualTo(previous);
      }
      assertThat(answer.get("uri").toString()).as("the path and query go along").isEqualTo("/api/v1/stream?after=3");
      assertThat(answer.get("identity").toString()).as("the signed identity goes along").startsWith("v2.");
    }
    assertThat(Set.copyOf(instanceOfPartition.values())).containsExactlyInAnyOrder("first", "second");
  }

  @Test
  void anInstanceThatIsNotReadyGetsNoStreamsAndWithNoneReadyTheDefaultRouteTakesThem() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !"default".equals(streamOf("user-0").get("instance")));
    FIRST.ready.set(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> instancesOf(100).equals(Set.of("second")));

    SECOND.ready.set(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> instancesOf(100).equals(Set.of("default")));
  }

  @Test
  void onlyStreamsAreRoutedByUser() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !"default".equals(streamOf("user-0").get("instance")));
    Map<?, ?> answer = web.get().uri("/api/v1/sync").header(HttpHeaders.AUTHORIZATION, "Bearer " + devToken("user-0"))
        .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    assertThat(answer.get("instance")).isEqualTo("default");
  }

  private Set<String> instancesOf(int users) {
    Set<String> instances = new HashSet<>();
    for (int i = 0; i < users; i++) {
      instances.add(streamOf("user-" + i).get("instance").toString());
    }
    return instances;
  }

  private final Map<String, String> tokens = new HashMap<>();

  private Map<?, ?> streamOf(String user) {
    String token = tokens.computeIfAbsent(user, this::devToken);
    return web.get().uri("/api/v1/stream?after=3").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
  }

  private String devToken(String userId) {
    return web.post().uri("/api/v1/dev/tokens").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("userId", userId))
        .exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody().get("token").toString();
  }
}
