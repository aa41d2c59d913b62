package dev.chatsync.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
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
 * The gateway in front of a service instance that died: nothing listens where it routes, or the
 * instance drops the connection in the middle of a request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class UnreachableServiceTest {

  /** Takes a request, then resets the connection without an answer, as the kernel does for a killed process. */
  private static final DisposableServer DYING = HttpServer.create().host("127.0.0.1").port(0)
      .handle((request, response) -> request.receive().then(Mono.fromRunnable(() -> response.withConnection(connection -> {
        connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        connection.dispose();
      }))))
      .bindNow();

  @DynamicPropertySource
  static void routeWhereNothingListens(DynamicPropertyRegistry registry) throws IOException {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    registry.add("chat.routes.message-service", () -> "http://127.0.0.1:" + port);
    registry.add("chat.routes.sync-service", () -> "http://127.0.0.1:" + DYING.port());
  }

  @AfterAll
  static void stopTheDyingService() {
    DYING.disposeNow();
  }

  @Autowired WebTestClient web;

  @Test
  void aServiceThatCannotBeReachedIsA503ProblemWithRetryAfter() {
    String token = web.post().uri("/api/v1/dev/tokens").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("userId", "alice"))
        .exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody().get("token").toString();

    web.post().uri("/api/v1/conversations/c1/messages").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"clientMsgId\":\"m1\",\"body\":\"hi\"}")
        .exchange()
        .expectStatus().isEqualTo(503)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1")
        .expectBody().jsonPath("$.type").value(type -> assertThat(type.toString())
            .endsWith("/unavailable"));
  }

  @Test
  void aServiceThatDropsTheConnectionMidRequestIsA503ProblemWithRetryAfter() {
    String token = web.post().uri("/api/v1/dev/tokens").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("userId", "bob"))
        .exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody().get("token").toString();

    web.post().uri("/api/v1/ack").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"upTo\":1}")
        .exchange()
        .expectStatus().isEqualTo(503)
        .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1");
  }
}
