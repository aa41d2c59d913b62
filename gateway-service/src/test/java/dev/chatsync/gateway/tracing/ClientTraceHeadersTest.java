package dev.chatsync.gateway.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A client's trace headers start no trace (ObservabilityIT runs with them trusted,
 * chat.tracing.accept-client-trace, and follows a client's trace through the system).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class ClientTraceHeadersTest {

  private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + CLIENT_TRACE + "-00f067aa0ba902b7-01";

  /** Echoes the trace headers the gateway forwarded. */
  private static final DisposableServer SERVICE = HttpServer.create().host("127.0.0.1").port(0)
      .route(routes -> routes.route(request -> true, (request, response) -> response
          .header("Content-Type", "application/json")
          .sendString(Mono.just("{\"traceparent\":\"" + request.requestHeaders().get("traceparent", "") + "\",\"tracestate\":\""
              + request.requestHeaders().get("tracestate", "") + "\"}"))))
      .bindNow();

  @DynamicPropertySource
  static void routeToTheStandIn(DynamicPropertyRegistry registry) {
    registry.add("chat.routes.message-service", () -> "http://127.0.0.1:" + SERVICE.port());
    registry.add("chat.routes.sync-service", () -> "http://127.0.0.1:" + SERVICE.port());
    registry.add("management.tracing.sampling.probability", () -> "0.0");
  }

  @AfterAll
  static void stopTheStandIn() {
    SERVICE.disposeNow();
  }

  @Autowired WebTestClient web;

  @Test
  void theGatewayStartsTheTraceItsOwnSamplingDecides() {
    String token = web.post().uri("/api/v1/dev/tokens").bodyValue(Map.of("userId", "alice")).exchange()
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("token").toString();
    Map<?, ?> seen = web.get().uri("/api/v1/conversations")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .header("traceparent", TRACEPARENT)
        .header("tracestate", "vendor=" + "x".repeat(200))
        .exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();

    assertThat(seen.get("traceparent").toString()).startsWith("00-").doesNotContain(CLIENT_TRACE)
        // Sampling 0 here: the client's sampled flag decided nothing.
        .endsWith("-00");
    assertThat(seen.get("tracestate")).isEqualTo("");
  }
}
