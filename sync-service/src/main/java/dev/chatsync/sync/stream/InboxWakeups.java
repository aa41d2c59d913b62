package dev.chatsync.sync.stream;

import reactor.core.publisher.Flux;

/** Tells the streams of a user that their inbox moved. Hints only: a stream reads the inbox itself. */
public interface InboxWakeups {

  /** Emitted first, once: from here on no notification is missed. */
  long LISTENING = -1;

  /**
   * A hot signal for the user: {@link #LISTENING} once, then the inbox heads notifications
   * announce. Read the backlog only after {@link #LISTENING}, so that nothing written between the
   * read and the start of listening goes unnoticed.
   */
  Flux<Long> of(String userId);
}
