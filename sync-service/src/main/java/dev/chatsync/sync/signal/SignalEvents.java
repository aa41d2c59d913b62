package dev.chatsync.sync.signal;

import dev.chatsync.contracts.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.springframework.http.codec.ServerSentEvent;

/**
 * The stream events of signals (docs/api.md, "Signals"): without an id, so a device's
 * Last-Event-ID, which names inbox entries only, is unaffected.
 */
public final class SignalEvents {

  /** At most one typing event per typer and conversation per this, for each user's streams. */
  public static final Duration TYPING_INTERVAL = Duration.ofSeconds(3);

  private SignalEvents() {}

  public static ServerSentEvent<Object> of(Signal signal) {
    Object data = Signal.TYPING.equals(signal.event())
        ? new TypingEvent(signal.conversationId(), signal.userId(), Instant.ofEpochMilli(signal.untilMillis()))
        : new PresenceEvent(signal.userId(), signal.online(), Instant.ofEpochMilli(signal.atMillis()));
    return ServerSentEvent.builder().event(Objects.requireNonNull(signal.event())).data(data).build();
  }
}
