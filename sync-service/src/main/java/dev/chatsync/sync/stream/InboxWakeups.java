package dev.chatsync.sync.stream;

import dev.chatsync.contracts.Signal;
import java.util.Map;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;

/** Tells the streams of a user that their inbox moved. Hints only: a stream reads the inbox itself. */
public interface InboxWakeups {

  /**
   * The inbox head a notification announced, and the trace fields it carried (the trace of the
   * entry that moved the head; empty when it carried none); or, with a head of 0, a signal or a
   * live event for the streams to send as they are (neither has an inbox seq).
   */
  record Wakeup(long head, Map<String, String> trace, Signal signal, ServerSentEvent<Object> live) {

    public Wakeup(long head, Map<String, String> trace) {
      this(head, trace, null, null);
    }

    /** Not an inbox head: sent beside the entries, never behind a read of the inbox. */
    public boolean passesThrough() {
      return signal != null || live != null;
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

  /** Sends {@code event} to the user's streams on this instance as it is; false if there are none. */
  boolean sendLive(String userId, ServerSentEvent<Object> event);
}
