package dev.chatsync.sync.stream;

import dev.chatsync.contracts.Signal;
import java.util.Map;
import reactor.core.publisher.Flux;

/** Tells the streams of a user that their inbox moved. Hints only: a stream reads the inbox itself. */
public interface InboxWakeups {

  /**
   * The inbox head a notification announced, and the trace fields it carried (the trace of the
   * entry that moved the head; empty when it carried none); or a signal for the streams to send,
   * with a head of 0.
   */
  record Wakeup(long head, Map<String, String> trace, Signal signal) {

    public Wakeup(long head, Map<String, String> trace) {
      this(head, trace, null);
    }
  }

  /**
   * Emitted once, when no notification can be missed any more (a head may come just before it:
   * reading the inbox for it is harmless).
   */
  Wakeup LISTENING = new Wakeup(-1, Map.of());

  /**
   * A hot signal for the user: {@link #LISTENING} once, and the inbox heads notifications announce
   * (and the signals they carry) from then on. Read the backlog only after {@link #LISTENING}, so that nothing written between the
   * read and the start of listening goes unnoticed.
   */
  Flux<Wakeup> of(String userId);
}
