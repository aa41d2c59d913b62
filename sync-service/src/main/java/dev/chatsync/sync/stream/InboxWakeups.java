package dev.chatsync.sync.stream;

import reactor.core.publisher.Flux;

/** Tells the streams of a user that their inbox moved. Hints only: a stream reads the inbox itself. */
public interface InboxWakeups {

  /**
   * A hot signal for the user, live from the moment of subscription: subscribe before reading the
   * backlog, so that nothing written between the read and the subscription goes unnoticed.
   */
  Flux<Long> of(String userId);
}
