package dev.chatsync.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
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

/** The gateway in front of a service instance that died: nothing listens where it routes. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class UnreachableServiceTest {

  @DynamicPropertySource
  static void routeWhereNothingListens(DynamicPropertyRegistry registry) throws IOException {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    registry.add("chat.routes.message-service", () -> "http://127.0.0.1:" + port);
    registry.add("chat.routes.sync-service", () -> "http://127.0.0.1:" + port);
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
}
