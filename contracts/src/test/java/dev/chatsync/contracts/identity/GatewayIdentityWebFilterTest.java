package dev.chatsync.contracts.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

class GatewayIdentityWebFilterTest {

  private final GatewayIdentity identity =
      new GatewayIdentity("a-test-secret-of-at-least-32-bytes!!", Duration.ofSeconds(60), Clock.systemUTC());
  private final GatewayIdentityWebFilter filter = new GatewayIdentityWebFilter(identity, "sync-service");

  @Test
  void passesTheVerifiedCallerOn() {
    Caller alice = new Caller("alice", "laptop");
    var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/sync")
        .header(GatewayIdentity.HEADER, identity.sign(alice, new GatewayIdentity.Target("GET", "/api/v1/sync", "sync-service"))));
    AtomicReference<Object> seen = new AtomicReference<>();

    filter.filter(exchange, ex -> {
      seen.set(ex.getAttribute(GatewayIdentityWebFilter.CALLER_ATTRIBUTE));
      return Mono.empty();
    }).block();

    assertThat(seen.get()).isEqualTo(alice);
  }

  @Test
  void refusesARequestWithoutTheGatewaysIdentity() {
    var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/sync").header("X-User", "alice"));

    filter.filter(exchange, ex -> Mono.error(new AssertionError("must not reach the handler"))).block();

    assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(exchange.getResponse().getBodyAsString().block()).contains("\"status\":401").contains("unauthenticated");
  }

  @Test
  void refusesAForgedIdentity() {
    var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/sync")
        .header(GatewayIdentity.HEADER, "v1.YWxpY2U.ZGVmYXVsdA.9999999999.AAAA"));

    filter.filter(exchange, ex -> Mono.error(new AssertionError("must not reach the handler"))).block();

    assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
  }

  @Test
  void refusesAnIdentityMadeForAnotherRequest() {
    String madeForStream = identity.sign(new Caller("alice", "laptop"), new GatewayIdentity.Target("GET", "/api/v1/stream", "sync-service"));
    var exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/ack")
        .header(GatewayIdentity.HEADER, madeForStream));

    filter.filter(exchange, ex -> Mono.error(new AssertionError("must not reach the handler"))).block();

    assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
  }

  @Test
  void letsHealthProbesThrough() {
    var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/health"));
    AtomicReference<Boolean> reached = new AtomicReference<>(false);

    filter.filter(exchange, ex -> {
      reached.set(true);
      return Mono.empty();
    }).block();

    assertThat(reached.get()).isTrue();
  }
}
