package dev.chatsync.sync.stream;

import reactor.core.publisher.Flux;

/** Tells the streams of a user that their inbox moved. Hints only: a stream reads the inbox itself. */
public interface InboxWakeups {

  /**
   * Emitted once, when no notification can be missed any more (a head may come just before it:
   * reading the inbox for it is harmless).
   */
  long LISTENING = -1;

  /**
   * A hot signal for the user: {@link #LISTENING} once, and the inbox heads notifications announce
   * from then on. Read the backlog only after {@link #LISTENING}, so that nothing written between the
   * read and the start of listening goes unnoticed.
   */
  Flux<Long> of(String userId);
}
