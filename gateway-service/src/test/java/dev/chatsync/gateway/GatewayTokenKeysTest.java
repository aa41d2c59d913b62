package dev.chatsync.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.contracts.identity.GatewayIdentity.Target;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
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
 * Tokens as an identity provider issues them: RS256 and ES256, verified with the keys of a JWKS
 * served here, which the provider rotates; {@code exp} required, {@code iss} and {@code aud}
 * checked, a clock skew allowed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.auth.issuer=https://login.example.test",
    "chat.auth.audiences=chat-app,chat-admin",
    "chat.auth.clock-skew=60s",
    "chat.auth.jwks-refresh-min-interval=0s"})
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class GatewayTokenKeysTest {

  private static final String ISSUER = "https://login.example.test";
  private static final RSAKey RSA_OLD = generateRsa("rsa-2026-11");
  private static final ECKey EC_NEW = generateEc("ec-2026-12");
  private static final RSAKey NEVER_PUBLISHED = generateRsa("rsa-unknown");

  /** What the identity provider publishes now; swapped to rotate. */
  private static final AtomicReference<JWKSet> PUBLISHED = new AtomicReference<>(new JWKSet(RSA_OLD.toPublicJWK()));
  private static final AtomicInteger JWKS_FETCHES = new AtomicInteger();

  private static final DisposableServer PROVIDER = HttpServer.create().host("127.0.0.1").port(0)
      .route(routes -> routes.get("/.well-known/jwks.json", (request, response) -> {
        JWKS_FETCHES.incrementAndGet();
        return response.header("Content-Type", "application/json").sendString(Mono.just(PUBLISHED.get().toString()));
      }))
      .bindNow();

  private static final DisposableServer SERVICE = HttpServer.create().host("127.0.0.1").port(0)
      .route(routes -> routes.route(request -> true, (request, response) -> response
          .header("Content-Type", "application/json")
          .sendString(Mono.just("{\"identity\":\"" + request.requestHeaders().get(GatewayIdentity.HEADER, "") + "\"}"))))
      .bindNow();

  @DynamicPropertySource
  static void wire(DynamicPropertyRegistry registry) {
    registry.add("chat.auth.jwk-set-uri", () -> "http://127.0.0.1:" + PROVIDER.port() + "/.well-known/jwks.json");
    registry.add("chat.routes.message-service", () -> "http://127.0.0.1:" + SERVICE.port());
    registry.add("chat.routes.sync-service", () -> "http://127.0.0.1:" + SERVICE.port());
  }

  @AfterAll
  static void stop() {
    PROVIDER.disposeNow();
    SERVICE.disposeNow();
  }

  @Autowired WebTestClient web;
  @Value("${chat.identity.secret}") String identitySecret;

  @Test
  void keysRotatedByTheProviderAreFollowedAndARemovedKeyStopsWorking() {
    PUBLISHED.set(new JWKSet(RSA_OLD.toPublicJWK()));
    assertThat(callerOf(sign(RSA_OLD, JWSAlgorithm.RS256, claims("alice", c -> c)))).isEqualTo(new Caller("alice", "default"));

    // The provider rotates: a new ES256 key, never seen before, replaces the RSA one.
    ECKey rotated = generateEc("ec-rotated-" + System.nanoTime());
    PUBLISHED.set(new JWKSet(rotated.toPublicJWK()));
    int fetchesBefore = JWKS_FETCHES.get();
    assertThat(callerOf(sign(rotated, JWSAlgorithm.ES256, claims("bob", c -> c)))).isEqualTo(new Caller("bob", "default"));
    assertThat(JWKS_FETCHES.get()).as("an unknown kid fetches the set again").isGreaterThan(fetchesBefore);

    assertRefused(sign(RSA_OLD, JWSAlgorithm.RS256, claims("alice", c -> c)));
    assertRefused(sign(NEVER_PUBLISHED, JWSAlgorithm.RS256, claims("mallory", c -> c)));
  }

  @Test
  void theClaimsAreChecked() {
    PUBLISHED.set(new JWKSet(List.<JWK>of(RSA_OLD.toPublicJWK(), EC_NEW.toPublicJWK())));

    assertRefused(sign(EC_NEW, JWSAlgorithm.ES256, claims("alice", c -> c.issuer("https://elsewhere.test"))));
    assertRefused(sign(EC_NEW, JWSAlgorithm.ES256, claims("alice", c -> c.audience("another-app"))));
    assertRefused(sign(EC_NEW, JWSAlgorithm.ES256, claims("alice", c -> c.expirationTime(null))));
    assertRefused(sign(EC_NEW, JWSAlgorithm.ES256, claims("alice", c -> c.expirationTime(secondsFromNow(-120)))));
    // Within the clock skew an expired token still passes: the issuer's clock may be ahead of ours.
    assertThat(callerOf(sign(EC_NEW, JWSAlgorithm.ES256, claims("alice", c -> c.expirationTime(secondsFromNow(-20))))))
        .isEqualTo(new Caller("alice", "default"));
    // One of the configured audiences is enough.
    assertThat(callerOf(sign(RSA_OLD, JWSAlgorithm.RS256, claims("carol", c -> c.audience(List.of("other", "chat-admin"))))))
        .isEqualTo(new Caller("carol", "default"));
  }

  @Test
  void aTokenCannotChooseToBeCheckedWithTheSharedSecretAgainstAPublicKeyOrWithNoSignature() throws Exception {
    PUBLISHED.set(new JWKSet(RSA_OLD.toPublicJWK()));
    // HS256 with the RSA public key's bytes as the secret: the algorithm confusion attack.
    byte[] publicBytes = RSA_OLD.toRSAPublicKey().getEncoded();
    SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(RSA_OLD.getKeyID()).build(),
        claims("mallory", c -> c));
    confused.sign(new com.nimbusds.jose.crypto.MACSigner(java.util.Arrays.copyOf(publicBytes, 64)));
    assertRefused(confused.serialize());
    assertRefused(new com.nimbusds.jwt.PlainJWT(claims("mallory", c -> c)).serialize());
  }

  private Caller callerOf(String token) {
    Map<?, ?> seen = web.get().uri("/api/v1/sync").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    GatewayIdentity identity = new GatewayIdentity(identitySecret, Duration.ofSeconds(60), Clock.systemUTC());
    return identity.verify(seen.get("identity").toString(), new Target("GET", "/api/v1/sync", "sync-service")).orElseThrow();
  }

  private void assertRefused(String token) {
    web.get().uri("/api/v1/sync").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
        .expectStatus().isUnauthorized()
        .expectBody().jsonPath("$.status").isEqualTo(401);
  }

  private static JWTClaimsSet claims(String subject, UnaryOperator<JWTClaimsSet.Builder> change) {
    return change.apply(new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience("chat-app")
        .issueTime(secondsFromNow(-300)).expirationTime(secondsFromNow(600))).build();
  }

  private static String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
      jwt.sign(key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key));
      return jwt.serialize();
    } catch (JOSEException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static Date secondsFromNow(long seconds) {
    return Date.from(Instant.now().plusSeconds(seconds));
  }

  private static RSAKey generateRsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static ECKey generateEc(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
