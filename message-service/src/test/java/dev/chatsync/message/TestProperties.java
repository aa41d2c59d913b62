package dev.chatsync.message;

import java.time.Duration;

/** Settings for unit tests of the rules: the defaults, but for what a test varies. */
public final class TestProperties {

  private TestProperties() {}

  public static MessageProperties messages(int maxBodyBytes, int maxGroupMembers, Duration sendLease) {
    return new MessageProperties(maxBodyBytes, maxGroupMembers, 8, sendLease, Duration.ofDays(1), Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofDays(7), 64, Duration.ofMillis(500),
        "owned", Duration.ofSeconds(12), Duration.ofSeconds(2), "", 100_000, Duration.ofHours(24));
  }

  /** The defaults, with the sweeper's grace and look-back as given. */
  public static MessageProperties sweep(Duration grace, Duration lookback) {
    return new MessageProperties(16384, 1000, 8, Duration.ofSeconds(15), Duration.ofDays(1), Duration.ofSeconds(2),
        Duration.ofSeconds(5), grace, lookback, Duration.ofDays(7), 64, Duration.ofMillis(500),
        "owned", Duration.ofSeconds(12), Duration.ofSeconds(2), "", 100_000, Duration.ofHours(24));
  }

  /** The margin with application.yml's request timeout and the default clock skew. */
  public static WriteMargin margin() {
    return new WriteMargin(Duration.ofSeconds(5), Duration.ofSeconds(2));
  }
}
