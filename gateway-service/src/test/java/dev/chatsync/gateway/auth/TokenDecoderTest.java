package dev.chatsync.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtException;

/** A deployment that configures its identity provider's public key instead of a JWKS URI. */
class TokenDecoderTest {

  @Test
  void verifiesRs256AndEs256TokensWithAConfiguredPublicKey() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    ECKey ec = new ECKeyGenerator(Curve.P_256).generate();

    assertThat(decoderFor(rsa.toPublicKey()).decode(token(JWSAlgorithm.RS256, new RSASSASigner(rsa))).block().getSubject())
        .isEqualTo("alice");
    assertThat(decoderFor(ec.toPublicKey()).decode(token(JWSAlgorithm.ES256, new ECDSASigner(ec))).block().getSubject())
        .isEqualTo("alice");
  }

  @Test
  void refusesATokenOfAnotherKeyOrAnAlgorithmNotConfigured() throws Exception {
    RSAKey configured = new RSAKeyGenerator(2048).generate();
    RSAKey other = new RSAKeyGenerator(2048).generate();
    TokenDecoder decoder = decoderFor(configured.toPublicKey());

    assertThatThrownBy(() -> decoder.decode(token(JWSAlgorithm.RS256, new RSASSASigner(other))).block())
        .isInstanceOf(JwtException.class);
    // No secret is configured, so an HS256 token has nothing to be checked with.
    assertThatThrownBy(() -> decoder.decode(token(JWSAlgorithm.HS256, new com.nimbusds.jose.crypto.MACSigner(new byte[32]))).block())
        .isInstanceOf(JwtException.class).hasMessageContaining("HS256");
  }

  @Test
  void aConfigurationThatCannotVerifyAnythingOrIsNotAKeyFailsAtStart() {
    assertThatThrownBy(() -> properties(null, null)).hasMessageContaining("chat.auth.jwt-secret");
    assertThatThrownBy(() -> TokenDecoder.of(properties(null, "-----BEGIN PUBLIC KEY-----\nnot-a-key\n-----END PUBLIC KEY-----")))
        .hasMessageContaining("chat.auth.public-key");
  }

  private static TokenDecoder decoderFor(PublicKey key) {
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    return TokenDecoder.of(properties(null, pem));
  }

  private static AuthProperties properties(String secret, String publicKey) {
    return new AuthProperties(secret, null, publicKey, null, List.of(), Duration.ofSeconds(60), Duration.ofMinutes(5),
        Duration.ofSeconds(30), false, Duration.ofHours(12));
  }

  private static String token(JWSAlgorithm algorithm, JWSSigner signer) throws JOSEException {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice").issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plusSeconds(600))).build();
    // Providers stamp a kid; a configured key has none and is used whatever kid a token names.
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID("provider-key-7").build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }
}
