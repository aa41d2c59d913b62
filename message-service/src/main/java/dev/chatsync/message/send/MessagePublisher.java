package dev.chatsync.message.send;

import dev.chatsync.contracts.MessageAppended;
import reactor.core.publisher.Mono;

/** Tells the fanout that a message was appended. */
public interface MessagePublisher {

  /** Completes once the broker has the record durably (acks=all), keyed by conversation id. */
  Mono<Void> publish(MessageAppended event);
}
