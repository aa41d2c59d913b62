package dev.chatsync.gateway.auth;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.auth.*}: which client tokens the gateway accepts. At least one way to verify them
 * must be set: an HS256 secret, and/or the RS256/ES256 keys of an identity provider (its JWKS URI,
 * or one public key).
 *
 * @param jwtSecret the HS256 secret tokens may be signed with, at least 32 bytes
 * @param jwkSetUri the identity provider's JWKS endpoint: RS256 and ES256 tokens are verified with
 *     the key their {@code kid} names
 * @param publicKey instead of a JWKS URI, one PEM public key (RSA or EC P-256)
 * @param issuer when set, a token's {@code iss} must be exactly this
 * @param audiences when set, a token's {@code aud} must contain one of these
 * @param clockSkew how far {@code exp} and {@code nbf} may be off between the issuer's clock and ours
 * @param jwksCacheTtl how long fetched keys are used before the JWKS is fetched again (a key the
 *     provider removed stops working within this)
 * @param jwksRefreshMinInterval the least time between two fetches of the JWKS, so that tokens
 *     naming unknown keys cannot make the gateway hammer the provider
 * @param devTokens whether {@code POST /api/v1/dev/tokens} hands out tokens to anyone: local only
 * @param devTokenLifetime how long a dev token is valid
 */
@ConfigurationProperties("chat.auth")
public record AuthProperties(
    String jwtSecret,
    URI jwkSetUri,
    String publicKey,
    String issuer,
    List<String> audiences,
    @DefaultValue("60s") Duration clockSkew,
    @DefaultValue("5m") Duration jwksCacheTtl,
    @DefaultValue("30s") Duration jwksRefreshMinInterval,
    @DefaultValue("false") boolean devTokens,
    @DefaultValue("12h") Duration devTokenLifetime) {

  public AuthProperties {
    audiences = audiences == null ? List.of() : List.copyOf(audiences);
    if (blank(jwtSecret) && jwkSetUri == null && blank(publicKey)) {
      throw new IllegalArgumentException(
          "set chat.auth.jwt-secret (HS256), chat.auth.jwk-set-uri or chat.auth.public-key (RS256/ES256)");
    }
    if (jwkSetUri != null && !blank(publicKey)) {
      throw new IllegalArgumentException("set chat.auth.jwk-set-uri or chat.auth.public-key, not both");
    }
    if (devTokens && blank(jwtSecret)) {
      throw new IllegalArgumentException("chat.auth.dev-tokens needs chat.auth.jwt-secret: dev tokens are HS256");
    }
  }

  boolean hasSecret() {
    return !blank(jwtSecret);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
