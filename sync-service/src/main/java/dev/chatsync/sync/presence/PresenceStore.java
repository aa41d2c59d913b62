package dev.chatsync.sync.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/** Who is online, kept by the instances holding streams; every write is idempotent. */
public interface PresenceStore {

  /** A user's presence as stored: online while an instance's renewal lives. */
  record Stored(boolean online, Instant lastSeenAt, boolean hidden) {

    public static final Stored UNKNOWN = new Stored(false, null, false);
  }

  /** Marks the users online from this instance for {@code expireAfter}, and seen at {@code at}. */
  Mono<Void> renew(Collection<String> userIds, String instanceId, Instant at, Duration expireAfter);

  /** The user's last stream on this instance ended at {@code at}. */
  Mono<Void> left(String userId, String instanceId, Instant at);

  /** The users' presence; a user never seen is {@link Stored#UNKNOWN}. */
  Mono<Map<String, Stored>> of(Collection<String> userIds);

  Mono<Void> hide(String userId, boolean hidden);

  /** Up to {@code limit} of the user's direct-conversation partners. */
  Mono<List<String>> directPartners(String userId, int limit);
}
