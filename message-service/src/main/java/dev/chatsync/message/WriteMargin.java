package dev.chatsync.message;

import java.time.Duration;
import java.time.Instant;

/**
 * How long before a deadline another instance must stop starting conditional writes, so that by
 * the deadline, as seen from any instance, each of them has landed or never will: a write runs for
 * up to the store's request timeout, and the clocks of two instances differ by up to the skew.
 * Guards a send's lease (P5) and a membership or read change's grace (the sweeper, P1). What the
 * timeout does not cover, a Paxos proposal accepted but not committed, is completed by whoever
 * reads the partition at LOCAL_SERIAL after the deadline.
 */
public record WriteMargin(Duration requestTimeout, Duration clockSkew) {

  public Duration total() {
    return requestTimeout.plus(clockSkew);
  }

  /** The last instant to start a write that must be over, everywhere, by {@code deadline}. */
  public Instant lastStartBefore(Instant deadline) {
    return deadline.minus(total());
  }

  /** Refuses to start with a window (a lease, a grace) that leaves writes less than a second to start in. */
  public void requireRoomIn(Duration window, String setting) {
    if (window.compareTo(total().plusSeconds(1)) < 0) {
      throw new IllegalStateException(setting + " (" + window + ") must exceed the store's request timeout (" + requestTimeout
          + ") plus chat.messages.clock-skew (" + clockSkew + ") by at least a second");
    }
  }
}
