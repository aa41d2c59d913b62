package dev.chatsync.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.contracts.identity.GatewayIdentity.Target;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The gateway in front of a stand-in service that echoes the identity headers it receives: what a
 * client sends must never become an identity, and a verified token must.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class GatewayIdentityRelayTest {

  private static final DisposableServer SERVICE = HttpServer.create().host("127.0.0.1").port(0)
      .route(routes -> routes.route(request -> true, (request, response) -> response
          .header("Content-Type", "application/json")
          .sendString(Mono.just("{\"identity\":\"" + request.requestHeaders().get(GatewayIdentity.HEADER, "")
              + "\",\"spoofed\":\"" + request.requestHeaders().get("X-Chat-User", "") + "\"}"))))
      .bindNow();

  @DynamicPropertySource
  static void routeToTheStandIn(DynamicPropertyRegistry registry) {
    String uri = "http://127.0.0.1:" + SERVICE.port();
    registry.add("chat.routes.message-service", () -> uri);
    registry.add("chat.routes.sync-service", () -> uri);
  }

  @AfterAll
  static void stopTheStandIn() {
    SERVICE.disposeNow();
  }

  @Autowired WebTestClient web;
  @Value("${chat.identity.secret}") String identitySecret;
  @Value("${chat.auth.jwt-secret}") String jwtSecret;

  @Test
  void aVerifiedTokenBecomesASignedIdentityAndClientHeadersAreDropped() {
    String token = devToken("alice");

    Map<?, ?> seen = web.get().uri("/api/v1/conversations")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .header("X-Device-Id", "laptop-1")
        .header(GatewayIdentity.HEADER, "v1.forged")
        .header("X-Chat-User", "mallory")
        .exchange()
        .expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();

    GatewayIdentity identity = new GatewayIdentity(identitySecret, Duration.ofSeconds(60), Clock.systemUTC());
    String relayed = seen.get("identity").toString();
    assertThat(identity.verify(relayed, new Target("GET", "/api/v1/conversations", "message-service")))
        .contains(new Caller("alice", "laptop-1"));
    // Made for this request only: not for another method, path or service.
    assertThat(identity.verify(relayed, new Target("POST", "/api/v1/conversations", "message-service"))).isEmpty();
    assertThat(identity.verify(relayed, new Target("GET", "/api/v1/sync", "sync-service"))).isEmpty();
    assertThat(seen.get("spoofed")).isEqualTo("");
  }

  @Test
  void theDeviceDefaultsToDefault() {
    Map<?, ?> seen = web.get().uri("/api/v1/sync").header(HttpHeaders.AUTHORIZATION, "Bearer " + devToken("bob"))
        .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();

    GatewayIdentity identity = new GatewayIdentity(identitySecret, Duration.ofSeconds(60), Clock.systemUTC());
    assertThat(identity.verify(seen.get("identity").toString(), new Target("GET", "/api/v1/sync", "sync-service")))
        .contains(new Caller("bob", "default"));
  }

  @Test
  void noTokenIsA401Problem() {
    web.get().uri("/api/v1/sync").header(GatewayIdentity.HEADER, "v1.forged").exchange()
        .expectStatus().isUnauthorized()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
        .expectBody().jsonPath("$.status").isEqualTo(401);
  }

  @Test
  void aTokenSignedWithAnotherSecretOrExpiredIsRefused() {
    assertRefused(token("alice", "x".repeat(40), 3600));
    assertRefused(token("alice", jwtSecret, -3600));
    assertRefused("not-a-jwt");
  }

  @Test
  void aTokenWithoutExpiryIsRefused() {
    var key = new SecretKeySpec(jwtSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    var claims = JwtClaimsSet.builder().subject("alice").issuedAt(java.time.Instant.now()).build();
    assertRefused(NimbusJwtEncoder.withSecretKey(key).build()
        .encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims)).getTokenValue());
  }

  @Test
  void aTokenWhoseSubjectIsNotAUserIdIsRefused() {
    assertRefused(token("not a user/id", jwtSecret, 3600));
  }

  @Test
  void anInvalidDeviceIdIsA400Problem() {
    web.get().uri("/api/v1/sync").header(HttpHeaders.AUTHORIZATION, "Bearer " + devToken("alice"))
        .header("X-Device-Id", "phone 1")
        .exchange().expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.detail").value(detail -> assertThat(detail.toString()).contains("X-Device-Id"));
  }

  @Test
  void aBodyOverTheLimitIsA413ProblemAndIsNotRouted() {
    web.post().uri("/api/v1/conversations").header(HttpHeaders.AUTHORIZATION, "Bearer " + devToken("alice"))
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"x\":\"" + "y".repeat(70_000) + "\"}")
        .exchange()
        .expectStatus().isEqualTo(413)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.type").value(type -> assertThat(type.toString()).endsWith("/too-large"));
  }

  @Test
  void devTokensNeedAValidUserId() {
    web.post().uri("/api/v1/dev/tokens").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("userId", "a b"))
        .exchange().expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("userId");
  }

  private void assertRefused(String token) {
    web.get().uri("/api/v1/sync").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
        .expectStatus().isUnauthorized()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.detail").isEqualTo("The bearer token is invalid or expired.");
  }

  private String devToken(String userId) {
    return web.post().uri("/api/v1/dev/tokens").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("userId", userId))
        .exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody().get("token").toString();
  }

  private static String token(String subject, String secret, long secondsValid) {
    var key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    var now = java.time.Instant.now();
    var claims = JwtClaimsSet.builder().subject(subject).issuedAt(now.minusSeconds(7200))
        .expiresAt(now.plusSeconds(secondsValid)).build();
    return NimbusJwtEncoder.withSecretKey(key).build()
        .encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims)).getTokenValue();
  }
}
