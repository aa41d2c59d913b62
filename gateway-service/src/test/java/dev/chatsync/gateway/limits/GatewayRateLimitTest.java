package dev.chatsync.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Bursts past each limit: the excess gets 429 problem+json with Retry-After and never reaches the
 * service behind the gateway, so nothing of a refused send is stored. The limiter's clock stands
 * still, so the counts are exact however slow the machine: a burst gets one period's worth.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.rate-limits.user-requests-per-second=30",
    "chat.rate-limits.user-sends-per-second=5",
    "chat.rate-limits.user-streams-per-minute=3",
    "chat.rate-limits.conversation-sends-per-second=8",
    "spring.main.allow-bean-definition-overriding=true"})
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class GatewayRateLimitTest {

  @TestConfiguration
  static class StoppedClock {
    @Bean
    RateLimitFilter rateLimitFilter(RateLimitProperties properties, MeterRegistry meters) {
      return new RateLimitFilter(properties, meters, () -> 0L);
    }
  }

  /** Requests the stand-in service received, by path. */
  private static final Map<String, AtomicInteger> RECEIVED = new ConcurrentHashMap<>();

  private static final DisposableServer SERVICE = HttpServer.create().host("127.0.0.1").port(0)
      .route(routes -> routes.route(request -> true, (request, response) -> {
        RECEIVED.computeIfAbsent(request.method() + " " + request.uri(), path -> new AtomicInteger()).incrementAndGet();
        return response.status(201).header("Content-Type", "application/json").sendString(Mono.just("{}"));
      }))
      .bindNow();

  @DynamicPropertySource
  static void routeToTheStandIn(DynamicPropertyRegistry registry) {
    registry.add("chat.routes.message-service", () -> "http://127.0.0.1:" + SERVICE.port());
    registry.add("chat.routes.sync-service", () -> "http://127.0.0.1:" + SERVICE.port());
  }

  @AfterAll
  static void stopTheStandIn() {
    SERVICE.disposeNow();
  }

  @Autowired WebTestClient web;
  @LocalServerPort int port;

  @Test
  void aUsersBurstOfSendsBeyondTheLimitIsRefusedAndNeverReachesTheService() {
    String token = devToken("burst-sender");

    List<EntityExchangeResult<String>> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      answers.add(send(token, "c-burst", "m" + i));
    }

    List<EntityExchangeResult<String>> admitted = withStatus(answers, 201);
    List<EntityExchangeResult<String>> refused = withStatus(answers, 429);
    assertThat(admitted.size() + refused.size()).isEqualTo(20);
    assertThat(admitted).hasSize(5);
    assertThat(received("POST /api/v1/conversations/c-burst/messages")).isEqualTo(admitted.size());
    EntityExchangeResult<String> first = refused.get(0);
    assertThat(first.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(first.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    assertThat(first.getResponseBody()).contains("\"status\":429").contains("/rate-limited").contains("sends a second per user");
  }

  @Test
  void sendsIntoOneConversationAreLimitedAcrossItsMembers() {
    List<EntityExchangeResult<String>> answers = new ArrayList<>();
    for (int member = 0; member < 4; member++) {
      String token = devToken("member-" + member);
      for (int i = 0; i < 4; i++) {
        answers.add(send(token, "c-busy", "m" + member + "-" + i));
      }
    }

    List<EntityExchangeResult<String>> admitted = withStatus(answers, 201);
    assertThat(admitted).hasSize(8);
    assertThat(withStatus(answers, 429)).isNotEmpty()
        .allSatisfy(refused -> assertThat(refused.getResponseBody()).contains("sends a second into one conversation"));
    assertThat(received("POST /api/v1/conversations/c-busy/messages")).isEqualTo(admitted.size());
  }

  @Test
  void newStreamsAreLimitedPerMinute() {
    String token = devToken("reconnecting");

    List<EntityExchangeResult<String>> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      answers.add(web.get().uri("/api/v1/stream").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
          .header("X-Device-Id", "device-" + i).exchange().expectBody(String.class).returnResult());
    }

    assertThat(withStatus(answers, 201)).hasSize(3);
    assertThat(withStatus(answers, 429)).hasSize(2)
        .allSatisfy(refused -> assertThat(Integer.parseInt(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)))
            .isEqualTo(20));
  }

  @Test
  void everyRequestCountsAgainstTheUsersRequestLimit() {
    String token = devToken("chatty");

    List<EntityExchangeResult<String>> answers = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      answers.add(web.get().uri("/api/v1/conversations?chatty=" + i).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
          .exchange().expectBody(String.class).returnResult());
    }

    assertThat(withStatus(answers, 201)).hasSize(30);
    assertThat(withStatus(answers, 429)).isNotEmpty()
        .allSatisfy(refused -> assertThat(refused.getResponseBody()).contains("requests a second per user"));
  }

  @Test
  void anEncodedSpellingOfTheSendPathIsCountedAsASend() {
    String token = devToken("encoder");

    List<EntityExchangeResult<String>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(web.post().uri(java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/conversations/c-encoded/m%65ssages"))
          .header(HttpHeaders.AUTHORIZATION, "Bearer " + token).contentType(MediaType.APPLICATION_JSON)
          .bodyValue(Map.of("clientMsgId", "e" + i, "body", "hi")).exchange().expectBody(String.class).returnResult());
    }

    assertThat(withStatus(answers, 429)).hasSize(3)
        .allSatisfy(refused -> assertThat(refused.getResponseBody()).contains("sends a second per user"));
  }

  /** An edit and a recall put an entry in every member's inbox, as a send does, and count as one. */
  @Test
  void editsAndRecallsCountAsSends() {
    String token = devToken("editor");

    List<EntityExchangeResult<String>> answers = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      answers.add(web.patch().uri("/api/v1/conversations/c-edits/messages/{seq}", i).header(HttpHeaders.AUTHORIZATION,
          "Bearer " + token).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("body", "fixed")).exchange()
          .expectBody(String.class).returnResult());
      answers.add(web.delete().uri("/api/v1/conversations/c-edits/messages/{seq}", i).header(HttpHeaders.AUTHORIZATION,
          "Bearer " + token).exchange().expectBody(String.class).returnResult());
    }

    assertThat(withStatus(answers, 201)).hasSize(5);
    assertThat(withStatus(answers, 429)).hasSize(3)
        .allSatisfy(refused -> assertThat(refused.getResponseBody()).contains("sends a second per user"));
  }

  private EntityExchangeResult<String> send(String token, String conversation, String clientMsgId) {
    return web.post().uri("/api/v1/conversations/{id}/messages", conversation)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", clientMsgId, "body", "hi"))
        .exchange().expectBody(String.class).returnResult();
  }

  private static List<EntityExchangeResult<String>> withStatus(List<EntityExchangeResult<String>> answers, int status) {
    return answers.stream().filter(answer -> answer.getStatus().value() == status).toList();
  }

  private static int received(String request) {
    AtomicInteger count = RECEIVED.get(request);
    return count == null ? 0 : count.get();
  }

  private String devToken(String userId) {
    return web.post().uri("/api/v1/dev/tokens").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("userId", userId))
        .exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody().get("token").toString();
  }
}
