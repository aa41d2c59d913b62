package dev.chatsync.contracts.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class GatewayIdentityTest {

  private static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

  private final GatewayIdentity identity = at(NOW);

  @Test
  void verifiesWhatItSigned() {
    Caller caller = new Caller("alice", "phone-1");
    assertThat(identity.verify(identity.sign(caller))).contains(caller);
  }

  @Test
  void refusesATamperedUser() {
    String header = identity.sign(new Caller("alice", "phone"));
    String[] parts = header.split("\\.");
    String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("mallory".getBytes())
        + "." + parts[2] + "." + parts[3] + "." + parts[4];
    assertThat(identity.verify(forged)).isEmpty();
  }

  @Test
  void refusesAnotherSecret() {
    GatewayIdentity other = new GatewayIdentity("another-secret-also-32-bytes-long!!!", Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(identity.verify(other.sign(new Caller("alice", "phone")))).isEmpty();
  }

  @Test
  void refusesAnExpiredAssertion() {
    String header = identity.sign(new Caller("alice", "phone"));
    assertThat(at(NOW.plusSeconds(59)).verify(header)).isPresent();
    assertThat(at(NOW.plusSeconds(61)).verify(header)).isEmpty();
  }

  @Test
  void refusesGarbage() {
    assertThat(identity.verify(null)).isEmpty();
    assertThat(identity.verify("")).isEmpty();
    assertThat(identity.verify("alice")).isEmpty();
    assertThat(identity.verify("v1.a.b.c.%%%")).isEmpty();
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
