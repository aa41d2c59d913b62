package dev.chatsync.message.signal;

import dev.chatsync.contracts.Signal;
import java.util.Collection;

/** Pushes a signal to the open streams of users. Best effort: a signal lost is nothing a device must learn. */
public interface SignalPublisher {

  void publish(Collection<String> recipients, Signal signal);
}
