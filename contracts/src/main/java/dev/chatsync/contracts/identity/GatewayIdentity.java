package dev.chatsync.contracts.identity;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The identity the gateway passes to the services: a short-lived assertion, signed with a secret
 * that only the gateway and the services hold, in one header. A service accepts a request only
 * with a valid assertion, so a client that reaches a service directly, or forges the header
 * through the gateway (which replaces it), acts for nobody (P6).
 *
 * <p>Format: {@code v1.<base64url user>.<base64url device>.<expiry epoch s>.<base64url HMAC-SHA256>}.
 */
public final class GatewayIdentity {

  public static final String HEADER = "X-Chat-Identity";

  /** Every client-sent header with this prefix is removed by the gateway before routing. */
  public static final String INTERNAL_HEADER_PREFIX = "X-Chat-";

  private static final int MIN_SECRET_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final Duration lifetime;
  private final Clock clock;

  public GatewayIdentity(String secret, Duration lifetime, Clock clock) {
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("chat.identity.secret must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.lifetime = lifetime;
    this.clock = clock;
  }

  public String sign(Caller caller) {
    long expires = clock.instant().plus(lifetime).getEpochSecond();
    String payload = "v1." + encode(caller.userId()) + "." + encode(caller.deviceId()) + "." + expires;
    return payload + "." + B64.encodeToString(mac(payload));
  }

  /** The caller the header names, if it was signed with our secret and has not expired. */
  public Optional<Caller> verify(String header) {
    if (header == null) {
      return Optional.empty();
    }
    int lastDot = header.lastIndexOf('.');
    if (lastDot < 0) {
      return Optional.empty();
    }
    String payload = header.substring(0, lastDot);
    byte[] signature;
    try {
      signature = B64D.decode(header.substring(lastDot + 1));
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(mac(payload), signature)) {
      return Optional.empty();
    }
    String[] parts = payload.split("\\.");
    if (parts.length != 4 || !parts[0].equals("v1")) {
      return Optional.empty();
    }
    try {
      if (Long.parseLong(parts[3]) < clock.instant().getEpochSecond()) {
        return Optional.empty();
      }
      return Optional.of(new Caller(decode(parts[1]), decode(parts[2])));
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
  }

  private byte[] mac(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static String encode(String value) {
    return B64.encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String value) {
    return new String(B64D.decode(value), StandardCharsets.UTF_8);
  }
}
