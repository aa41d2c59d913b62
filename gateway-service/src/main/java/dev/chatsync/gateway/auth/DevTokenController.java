package dev.chatsync.gateway.auth;

import dev.chatsync.contracts.Ids;
import dev.chatsync.contracts.web.Problems;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Hands a token for any user to anyone: for trying the system locally, never for production.
 * Exists only with {@code chat.auth.dev-tokens=true} (the local profile).
 */
@RestController
@ConditionalOnBooleanProperty("chat.auth.dev-tokens")
class DevTokenController {

  record DevTokenRequest(String userId) {}

  record DevToken(String token, String userId, Instant expiresAt) {}

  private final JwtEncoder encoder;
  private final AuthProperties properties;
  private final Clock clock = Clock.systemUTC();

  DevTokenController(AuthProperties properties) {
    this.encoder = NimbusJwtEncoder.withSecretKey(SecurityConfiguration.secretKey(properties)).build();
    this.properties = properties;
  }

  @PostMapping("/api/v1/dev/tokens")
  Mono<DevToken> issue(@RequestBody(required = false) DevTokenRequest request) {
    String problem = Ids.problemWith(request == null ? null : request.userId());
    if (problem != null) {
      return Mono.error(Problems.invalid("userId", problem));
    }
    Instant now = clock.instant();
    Instant expiresAt = now.plus(properties.devTokenLifetime());
    JwtClaimsSet.Builder claims = JwtClaimsSet.builder().subject(request.userId()).issuedAt(now).expiresAt(expiresAt);
    // Shaped like the deployment's real tokens, so that they pass the same claim checks.
    if (properties.issuer() != null && !properties.issuer().isBlank()) {
      claims.issuer(properties.issuer());
    }
    if (!properties.audiences().isEmpty()) {
      claims.audience(List.of(properties.audiences().get(0)));
    }
    String token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims.build()))
        .getTokenValue();
    return Mono.just(new DevToken(token, request.userId(), expiresAt));
  }
}
