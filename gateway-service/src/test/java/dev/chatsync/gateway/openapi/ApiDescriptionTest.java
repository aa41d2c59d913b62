package dev.chatsync.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The API description the gateway serves: merged from the services' own (two stand-ins), completed
 * with the gateway's answers, served without a token, with a page that shows it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class ApiDescriptionTest {

  private static final String PROBLEM = "{\"type\":\"object\",\"properties\":{\"type\":{\"type\":\"string\"}}}";

  private static DisposableServer standIn(String paths) {
    return HttpServer.create().host("127.0.0.1").port(0)
        .route(routes -> routes.get("/v3/api-docs", (request, response) -> response.header("Content-Type", "application/json")
            .sendString(Mono.just("{\"openapi\":\"3.1.0\",\"paths\":" + paths + ",\"components\":{\"schemas\":{\"Problem\":"
                + PROBLEM + "}},\"tags\":[{\"name\":\"Sync\",\"description\":\"the inbox\"}]}"))))
        .bindNow();
  }

  private static final DisposableServer MESSAGES = standIn("{\"/api/v1/conversations\":{\"post\":{\"operationId\":\"create\","
      + "\"requestBody\":{\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\"}}}},"
      + "\"responses\":{\"201\":{\"description\":\"created\"}}}}}");
  private static final DisposableServer SYNC = standIn("{\"/api/v1/sync\":{\"get\":{\"operationId\":\"sync\","
      + "\"responses\":{\"200\":{\"description\":\"a page\"}}}}}");

  @DynamicPropertySource
  static void routeToTheStandIns(DynamicPropertyRegistry registry) {
    registry.add("chat.routes.message-service", () -> "http://127.0.0.1:" + MESSAGES.port());
    registry.add("chat.routes.sync-service", () -> "http://127.0.0.1:" + SYNC.port());
  }

  @AfterAll
  static void stopTheStandIns() {
    MESSAGES.disposeNow();
    SYNC.disposeNow();
  }

  @Autowired WebTestClient web;

  @Test
  @SuppressWarnings("unchecked")
  void theServicesDescriptionsAreMergedAndCompletedWithTheGatewaysAnswers() {
    Map<String, Object> description = web.get().uri("/api/v1/openapi.json").exchange()
        .expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();

    assertThat(description.get("openapi")).isEqualTo("3.1.0");
    Map<String, Map<String, Map<String, Object>>> paths = (Map<String, Map<String, Map<String, Object>>>) description.get("paths");
    assertThat(paths).containsOnlyKeys("/api/v1/conversations", "/api/v1/sync", "/api/v1/dev/tokens");
    // A body can be too large and every call can be rate-limited; a call with a token can be refused one.
    assertThat((Map<String, Object>) paths.get("/api/v1/conversations").get("post").get("responses"))
        .containsOnlyKeys("201", "401", "413", "429");
    assertThat((Map<String, Object>) paths.get("/api/v1/sync").get("get").get("responses")).containsOnlyKeys("200", "401", "429");
    assertThat((List<Object>) paths.get("/api/v1/sync").get("get").get("parameters"))
        .containsExactly(Map.of("$ref", "#/components/parameters/DeviceId"));
    // The dev tokens (on in the local profile) need no token.
    assertThat((List<Object>) paths.get("/api/v1/dev/tokens").get("post").get("security")).isEmpty();
    assertThat((List<Object>) description.get("tags")).hasSize(2);
    assertThat(description.get("security")).isEqualTo(List.of(Map.of("bearer", List.of())));
  }

  @Test
  void thePageShowsTheDescriptionWithSwaggerUiServedHere() {
    String page = web.get().uri("/api/v1/docs").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith("text/html")
        .expectBody(String.class).returnResult().getResponseBody();
    assertThat(page).contains("url: \"openapi.json\"").contains("docs/assets/swagger-ui/swagger-ui-bundle.js");
    web.get().uri("/api/v1/docs/assets/swagger-ui/swagger-ui-bundle.js").exchange().expectStatus().isOk();
    web.get().uri("/api/v1/docs/assets/swagger-ui/swagger-ui.css").exchange().expectStatus().isOk();
  }
}
