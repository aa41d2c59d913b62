package dev.chatsync.contracts.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsync.contracts.identity.GatewayIdentity.Target;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class GatewayIdentityTest {

  private static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

  private static final Target SYNC = new Target("GET", "/api/v1/sync", "sync-service");

  private final GatewayIdentity identity = at(NOW);

  @Test
  void verifiesWhatItSigned() {
    Caller caller = new Caller("alice", "phone-1");
    assertThat(identity.verify(identity.sign(caller, SYNC), SYNC)).contains(caller);
  }

  @Test
  void refusesATamperedUser() {
    String header = identity.sign(new Caller("alice", "phone"), SYNC);
    String[] parts = header.split("\\.");
    String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("mallory".getBytes())
        + "." + parts[2] + "." + parts[3] + "." + parts[4];
    assertThat(identity.verify(forged, SYNC)).isEmpty();
  }

  @Test
  void refusesAnotherSecret() {
    GatewayIdentity other = new GatewayIdentity("another-secret-also-32-bytes-long!!!", Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(identity.verify(other.sign(new Caller("alice", "phone"), SYNC), SYNC)).isEmpty();
  }

  @Test
  void refusesAnExpiredAssertion() {
    String header = identity.sign(new Caller("alice", "phone"), SYNC);
    assertThat(at(NOW.plusSeconds(59)).verify(header, SYNC)).isPresent();
    assertThat(at(NOW.plusSeconds(61)).verify(header, SYNC)).isEmpty();
  }

  @Test
  void refusesAnAssertionReplayedAgainstAnotherRequest() {
    String header = identity.sign(new Caller("alice", "phone"), SYNC);

    assertThat(identity.verify(header, new Target("POST", "/api/v1/sync", "sync-service"))).isEmpty();
    assertThat(identity.verify(header, new Target("GET", "/api/v1/stream", "sync-service"))).isEmpty();
    assertThat(identity.verify(header, new Target("GET", "/api/v1/sync", "message-service"))).isEmpty();
    assertThat(identity.verify(header, SYNC)).isPresent();
  }

  @Test
  void acceptsTheOlderUnboundFormatOnlyWhileAnUpgradeAsksForIt() throws Exception {
    // What a gateway of the release before binding signed: v1, the HMAC over the payload alone.
    String payload = "v1." + b64("alice") + "." + b64("phone") + "." + NOW.plusSeconds(60).getEpochSecond();
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(), "HmacSHA256"));
    String unbound = payload + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(payload.getBytes()));

    assertThat(identity.verify(unbound, SYNC)).isEmpty();
    GatewayIdentity upgrading = new GatewayIdentity(SECRET, Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC), true);
    assertThat(upgrading.verify(unbound, SYNC)).contains(new Caller("alice", "phone"));
    // A v2 assertion stays bound to its request, also then.
    assertThat(upgrading.verify(identity.sign(new Caller("alice", "phone"), SYNC), new Target("POST", "/api/v1/ack", "sync-service")))
        .isEmpty();
  }

  private static String b64(String value) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes());
  }

  @Test
  void refusesGarbage() {
    assertThat(identity.verify(null, SYNC)).isEmpty();
    assertThat(identity.verify("", SYNC)).isEmpty();
    assertThat(identity.verify("alice", SYNC)).isEmpty();
    assertThat(identity.verify("v1.a.b.c.%%%", SYNC)).isEmpty();
  }

  @Test
  void refusesAShortSecret() {
    assertThatThrownBy(() -> new GatewayIdentity("short", Duration.ofSeconds(60), Clock.systemUTC()))
        .hasMessageContaining("chat.identity.secret");
  }

  private static GatewayIdentity at(Instant now) {
    return new GatewayIdentity(SECRET, Duration.ofSeconds(60), Clock.fixed(now, ZoneOffset.UTC));
  }
}
