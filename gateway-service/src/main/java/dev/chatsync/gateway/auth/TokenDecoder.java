package dev.chatsync.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWKSecurityContext;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.net.MalformedURLException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Verifies a client token with the key its algorithm calls for: HS256 with the shared secret,
 * RS256 or ES256 with the identity provider's public keys. Each family has its own verifier that
 * accepts only its own algorithms, so a token cannot pick the secret to be checked against a
 * public key (the classic algorithm confusion), and an algorithm nobody configured is refused.
 */
final class TokenDecoder implements ReactiveJwtDecoder {

  private static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256);
  private static final Set<JWSAlgorithm> SIGNATURES = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
  private static final int JWKS_TIMEOUT_MS = 2_000;
  private static final int JWKS_MAX_BYTES = 256 * 1024;

  private final ReactiveJwtDecoder hmac;
  private final ReactiveJwtDecoder signatures;

  private TokenDecoder(ReactiveJwtDecoder hmac, ReactiveJwtDecoder signatures) {
    this.hmac = hmac;
    this.signatures = signatures;
  }

  static TokenDecoder of(AuthProperties properties) {
    ReactiveJwtDecoder hmac = properties.hasSecret() ? hmacDecoder(properties) : null;
    ReactiveJwtDecoder signatures = properties.jwkSetUri() != null
        ? signatureDecoder(jwks(properties), new JWSVerificationKeySelector<>(SIGNATURES, new JWKSecurityContextJWKSet()), properties)
        : properties.publicKey() != null && !properties.publicKey().isBlank()
            ? signatureDecoder(jwt -> Flux.empty(), fixed(parsePublicKey(properties.publicKey())), properties)
            : null;
    return new TokenDecoder(hmac, signatures);
  }

  @Override
  public Mono<Jwt> decode(String token) throws JwtException {
    JWSAlgorithm algorithm;
    try {
      JWT parsed = JWTParser.parse(token);
      algorithm = parsed instanceof SignedJWT signed ? signed.getHeader().getAlgorithm() : null;
    } catch (ParseException malformed) {
      return Mono.error(new BadJwtException("The token is not a JWT", malformed));
    }
    if (algorithm == null) {
      return Mono.error(new BadJwtException("Unsigned tokens are not accepted"));
    }
    if (HMAC.contains(algorithm) && hmac != null) {
      return hmac.decode(token);
    }
    if (SIGNATURES.contains(algorithm) && signatures != null) {
      // Spring wraps a failure to get the keys (the provider away, the refetch rate-limited, an
      // unknown kid) in an IllegalStateException, which would be a 500: the token is not verified.
      return signatures.decode(token).onErrorMap(IllegalStateException.class,
          failure -> new BadJwtException("The token's key could not be obtained: " + failure.getMessage(), failure));
    }
    return Mono.error(new BadJwtException("Tokens signed with " + algorithm + " are not accepted here"));
  }

  private static ReactiveJwtDecoder hmacDecoder(AuthProperties properties) {
    NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withSecretKey(SecurityConfiguration.secretKey(properties))
        .macAlgorithm(MacAlgorithm.HS256)
        .build();
    decoder.setJwtValidator(TokenValidation.of(properties));
    return decoder;
  }

  /** The builder takes one algorithm; the key selector is given both. */
  private static ReactiveJwtDecoder signatureDecoder(Function<SignedJWT, Flux<JWK>> keys,
      JWSKeySelector<JWKSecurityContext> selector, AuthProperties properties) {
    NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource(keys)
        .jwtProcessorCustomizer(processor -> processor.setJWSKeySelector(selector))
        .build();
    decoder.setJwtValidator(TokenValidation.of(properties));
    return decoder;
  }

  /**
   * The provider's keys, cached for {@code jwks-cache-ttl} and refreshed ahead of expiry; a token
   * naming a key not in the cache (the provider rotated) fetches the set again, at most once per
   * {@code jwks-refresh-min-interval}. The fetch blocks, so it runs off the event loop.
   */
  private static Function<SignedJWT, Flux<JWK>> jwks(AuthProperties properties) {
    JWKSource<SecurityContext> source;
    try {
      source = JWKSourceBuilder.<SecurityContext>create(properties.jwkSetUri().toURL(),
              new DefaultResourceRetriever(JWKS_TIMEOUT_MS, JWKS_TIMEOUT_MS, JWKS_MAX_BYTES))
          .cache(properties.jwksCacheTtl().toMillis(), JWKS_TIMEOUT_MS)
          .refreshAheadCache(true)
          .rateLimited(properties.jwksRefreshMinInterval().toMillis())
          .retrying(true)
          .build();
    } catch (MalformedURLException | IllegalArgumentException bad) {
      throw new IllegalArgumentException("chat.auth.jwk-set-uri is not a URL: " + properties.jwkSetUri(), bad);
    }
    return jwt -> Mono.fromCallable(() -> source.get(selectorFor(jwt), null))
        .subscribeOn(Schedulers.boundedElastic())
        .onErrorMap(failure -> !(failure instanceof JwtException),
            failure -> new BadJwtException("The identity provider's keys could not be read: " + failure.getMessage(), failure))
        .flatMapIterable(found -> found);
  }

  /** The one configured key, whatever kid a token names (it has none to match), for RS256 or ES256 as its type is. */
  private static JWSKeySelector<JWKSecurityContext> fixed(JWK key) {
    Key publicKey;
    try {
      publicKey = key instanceof RSAKey rsa ? rsa.toRSAPublicKey() : ((ECKey) key).toECPublicKey();
    } catch (JOSEException impossible) {
      throw new IllegalStateException(impossible);
    }
    return (header, context) -> SIGNATURES.contains(header.getAlgorithm())
        && key.getKeyType().equals(KeyType.forAlgorithm(header.getAlgorithm())) ? List.of(publicKey) : List.of();
  }

  /** The keys of the token's type and {@code kid} (only RS256 and ES256 tokens get here). */
  private static JWKSelector selectorFor(SignedJWT jwt) {
    return new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader()));
  }

  /** A PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo), RSA or EC. */
  static JWK parsePublicKey(String pem) {
    String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    X509EncodedKeySpec spec;
    try {
      spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
    } catch (IllegalArgumentException notBase64) {
      throw new IllegalArgumentException("chat.auth.public-key is not a PEM public key", notBase64);
    }
    for (String type : List.of("RSA", "EC")) {
      try {
        PublicKey key = KeyFactory.getInstance(type).generatePublic(spec);
        if (key instanceof RSAPublicKey rsa) {
          return new RSAKey.Builder(rsa).build();
        }
        ECPublicKey ec = (ECPublicKey) key;
        if (!Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
          throw new IllegalArgumentException("chat.auth.public-key: an EC key must be on P-256 (ES256)");
        }
        return new ECKey.Builder(Curve.P_256, ec).build();
      } catch (GeneralSecurityException notThisType) {
        // try the next type
      }
    }
    throw new IllegalArgumentException("chat.auth.public-key is neither an RSA nor an EC public key");
  }
}
