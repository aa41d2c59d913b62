package dev.chatsync.sync.ack;

import reactor.core.publisher.Mono;

/** Per device, how far it has acknowledged its user's inbox. */
public interface DeviceCursors {

  /** Moves the device's cursor to {@code upTo} if that is further; never moves it back. */
  Mono<Void> acknowledge(String userId, String deviceId, long upTo);

  /** The device's cursor, 0 if it never acknowledged anything. */
  Mono<Long> cursor(String userId, String deviceId);
}
