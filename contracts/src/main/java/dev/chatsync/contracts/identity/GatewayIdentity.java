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
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * The identity the gateway passes to the services: a short-lived assertion, signed with a secret
 * that only the gateway and the services hold, in one header. A service accepts a request only
 * with a valid assertion, so a client that reaches a service directly, or forges the header
 * through the gateway (which replaces it), acts for nobody (P6).
 *
 * <p>An assertion is bound to the one request it was made for: its method, its path and the
 * service it was sent to are part of what is signed (but not sent), so a header copied from a
 * request, by a log reader or a compromised sidecar, cannot be replayed against another endpoint
 * or another service within its lifetime.
 *
 * <p>Format: {@code v2.<base64url user>.<base64url device>.<expiry epoch s>.<base64url HMAC-SHA256>},
 * the HMAC over the first four parts and the {@link Target}.
 */
public final class GatewayIdentity {

  public static final String HEADER = "X-Chat-Identity";

  /** Every client-sent header with this prefix is removed by the gateway before routing. */
  public static final String INTERNAL_HEADER_PREFIX = "X-Chat-";

  private static final String VERSION = "v2";
  private static final int MIN_SECRET_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /**
   * The request an assertion is for.
   *
   * @param method the HTTP method, upper case
   * @param path the raw (still encoded) path, without the query
   * @param service the receiving service's name ({@code spring.application.name})
   */
  public record Target(String method, String path, String service) {

    String signed() {
      return method + "\n" + path + "\n" + service;
    }
  }

  private static final String UNBOUND_VERSION = "v1";

  private final SecretKeySpec key;
  private final Duration lifetime;
  private final Clock clock;
  private final boolean acceptUnbound;

  public GatewayIdentity(String secret, Duration lifetime, Clock clock) {
    this(secret, lifetime, clock, false);
  }

  /**
   * @param acceptUnbound also accept the older {@code v1} assertions, which name no request: only
   *     while a gateway of the release before binding still runs (docs/operations.md, "Upgrades")
   */
  public GatewayIdentity(String secret, Duration lifetime, Clock clock, boolean acceptUnbound) {
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("chat.identity.secret must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.lifetime = lifetime;
    this.clock = clock;
    this.acceptUnbound = acceptUnbound;
  }

  public String sign(Caller caller, Target target) {
    long expires = clock.instant().plus(lifetime).getEpochSecond();
    String payload = VERSION + "." + encode(caller.userId()) + "." + encode(caller.deviceId()) + "." + expires;
    return payload + "." + B64.encodeToString(mac(payload, target));
  }

  /**
   * Signs every request a client sends with this filter for {@code caller}, each for its own method
   * and path: how one service calls another on a user's behalf, and how tests call a service.
   */
  public ExchangeFilterFunction signing(Caller caller, String service) {
    return (request, next) -> next.exchange(ClientRequest.from(request)
        .headers(headers -> headers.set(HEADER,
            sign(caller, new Target(request.method().name(), request.url().getRawPath(), service))))
        .build());
  }

  /** The caller the header names, if it was signed with our secret for this target and has not expired. */
  public Optional<Caller> verify(String header, Target target) {
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
    boolean unbound = acceptUnbound && payload.startsWith(UNBOUND_VERSION + ".");
    if (!MessageDigest.isEqual(unbound ? mac(payload) : mac(payload, target), signature)) {
      return Optional.empty();
    }
    String[] parts = payload.split("\\.");
    if (parts.length != 4 || !parts[0].equals(unbound ? UNBOUND_VERSION : VERSION)) {
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

  private byte[] mac(String payload, Target target) {
    return mac(payload + "\n" + target.signed());
  }

  private byte[] mac(String signed) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
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
