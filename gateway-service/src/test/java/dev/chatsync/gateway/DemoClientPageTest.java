package dev.chatsync.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The demo client is public: its page and assets load without a token and are not routed to a service. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.auth.jwt-secret=a-production-like-secret-of-32-bytes-or-more",
    "chat.identity.secret=another-production-like-secret-of-32-bytes"})
@AutoConfigureWebTestClient
class DemoClientPageTest {

  @Autowired WebTestClient web;

  @Test
  void theRootServesThePageWithoutAToken() {
    String page = web.get().uri("/").accept(MediaType.TEXT_HTML).exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
        .expectBody(String.class).returnResult().getResponseBody();
    assertThat(page).contains("<script src=\"app.js\"", "data-testid=\"sign-in-button\"");
  }

  @Test
  void theAssetsLoadWithoutAToken() {
    web.get().uri("/index.html").exchange().expectStatus().isOk();
    web.get().uri("/app.js").exchange().expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith("text/javascript");
    web.get().uri("/app.css").exchange().expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith("text/css");
  }
}
