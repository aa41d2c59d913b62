package dev.chatsync.sync.signal;

import dev.chatsync.contracts.Memo;
import dev.chatsync.contracts.Signal;

/**
 * Forwards at most one typing signal per typer and conversation every {@link SignalEvents#TYPING_INTERVAL}
 * to each user's streams. All of a user's streams are on one instance (the gateway routes them by
 * the user's notification partition), so a gate per instance is a gate per user. Whatever the
 * senders do (several message-service instances each let one through), a device never gets more.
 */
public final class TypingGate {

  private final long intervalMillis = SignalEvents.TYPING_INTERVAL.toMillis();
  /** When a typing signal was last let through, per recipient, conversation and typer. */
  private final Memo<String, Long> lastLetThrough;

  /** @param capacity how many (recipient, conversation, typer) it remembers; past it, it forgets all */
  public TypingGate(int capacity) {
    this.lastLetThrough = new Memo<>(capacity);
  }

  /** Whether the recipient's streams get this signal; every non-typing signal passes. */
  public boolean letsThrough(String recipient, Signal signal, long nowMillis) {
    if (!Signal.TYPING.equals(signal.event())) {
      return true;
    }
    String key = recipient + "\n" + signal.conversationId() + "\n" + signal.userId();
    Long last = lastLetThrough.get(key);
    if (last != null && nowMillis - last < intervalMillis) {
      return false;
    }
    lastLetThrough.remember(key, nowMillis, (old, now) -> now);
    return true;
  }
}
