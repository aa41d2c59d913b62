package dev.chatsync.gateway;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Without the local profile nobody can mint a token. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.auth.jwt-secret=a-production-like-secret-of-32-bytes-or-more",
    "chat.identity.secret=another-production-like-secret-of-32-bytes"})
@AutoConfigureWebTestClient
class DevTokensOffByDefaultTest {

  @Autowired WebTestClient web;

  @Test
  void theDevTokenEndpointDoesNotExist() {
    web.post().uri("/api/v1/dev/tokens").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("userId", "alice"))
        .exchange().expectStatus().isNotFound()
        .expectBody(String.class);
  }
}
