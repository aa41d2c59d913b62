package dev.chatsync.sync.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/** Who is online, kept by the instances holding streams; every write is idempotent. */
public interface PresenceStore {

  /** A user's presence as stored: online while an instance's renewal lives. */
  record Stored(boolean online, Instant lastSeenAt, boolean hidden) {

    public static final Stored UNKNOWN = new Stored(false, null, false);
  }

  /** A user's device holding a stream. */
  record Device(String userId, String deviceId) {}

  /** Marks the devices online from this instance for {@code expireAfter}, and their users seen at {@code at}. */
  Mono<Void> renew(Collection<Device> devices, String instanceId, Instant at, Duration expireAfter);

  /** The device's last stream on this instance ended at {@code at}. */
  Mono<Void> left(Device device, String instanceId, Instant at);

  /** The users' presence; a user never seen is {@link Stored#UNKNOWN}. */
  Mono<Map<String, Stored>> of(Collection<String> userIds);

  Mono<Void> hide(String userId, boolean hidden);

  /** Those of {@code userIds} who are the user's direct-conversation partners. */
  Mono<Set<String>> partnersAmong(String userId, Collection<String> userIds);

  /** Up to {@code limit} of the user's direct-conversation partners. */
  Mono<List<String>> directPartners(String userId, int limit);
}
