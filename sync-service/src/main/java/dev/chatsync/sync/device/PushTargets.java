package dev.chatsync.sync.device;

import java.util.List;
import reactor.core.publisher.Mono;

/** Devices' push targets, read by the fanout's push notifier. Every write is idempotent. */
public interface PushTargets {

  /** Registers (or replaces) the device's target; a target disabled before is enabled again. */
  Mono<Void> register(String userId, String deviceId, PushTarget target);

  Mono<Void> remove(String userId, String deviceId);

  /** Up to {@code limit} of the user's devices that have a target. */
  Mono<List<String>> devices(String userId, int limit);
}
