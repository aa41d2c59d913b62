package dev.chatsync.fanout.push.send;

import dev.chatsync.fanout.push.PushProperties;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The APNs provider token: a JWT signed ES256 with the team's .p8 key, {@code {"alg":"ES256","kid"}}
 * over {@code {"iss":team,"iat"}}. Apple refuses one older than an hour and one renewed more often
 * than every 20 minutes, so it is made again every 40.
 */
final class ApnsToken {

  private static final Duration RENEW_AFTER = Duration.ofMinutes(40);
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final PushProperties.Apns apns;
  private final Clock clock = Clock.systemUTC();
  private PrivateKey key;
  private String token;
  private Instant issuedAt = Instant.MIN;

  ApnsToken(PushProperties.Apns apns) {
    this.apns = apns;
  }

  synchronized String current() {
    Instant now = clock.instant();
    if (token == null || now.isAfter(issuedAt.plus(RENEW_AFTER))) {
      token = sign(now);
      issuedAt = now;
    }
    return token;
  }

  private String sign(Instant now) {
    String header = BASE64URL.encodeToString(("{\"alg\":\"ES256\",\"kid\":\"" + apns.keyId() + "\"}").getBytes(StandardCharsets.UTF_8));
    String claims = BASE64URL.encodeToString(("{\"iss\":\"" + apns.teamId() + "\",\"iat\":" + now.getEpochSecond() + "}")
        .getBytes(StandardCharsets.UTF_8));
    String signed = header + "." + claims;
    try {
      // JOSE wants the raw r||s pair, which is what the P1363 format gives.
      Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
      signature.initSign(key());
      signature.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + BASE64URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException unusable) {
      throw new IllegalStateException("chat.push.apns.private-key is not a PKCS#8 EC P-256 key (a .p8 file): " + unusable, unusable);
    }
  }

  private PrivateKey key() throws GeneralSecurityException {
    if (key == null) {
      String pem = apns.privateKey().replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
      key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }
    return key;
  }
}
