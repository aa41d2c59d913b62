package dev.chatsync.sync.presence;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The streams this instance holds, per user, and so who is online from here. The first stream of a
 * user marks them online and tells their partners; the last one's end takes them offline after
 * {@code chat.presence.offline-after}, unless a stream comes back first (a reconnect is no event:
 * coalesced). Every {@code chat.presence.renew-interval} the users with streams here are renewed,
 * so an instance that dies lets its users expire within {@code chat.presence.expire-after}.
 */
@Component
public class PresenceTracker {

  private static final Logger log = LoggerFactory.getLogger(PresenceTracker.class);

  private final PresenceStore store;
  private final PresenceAnnouncer announcer;
  private final PresenceProperties properties;
  private final String instanceId = UUID.randomUUID().toString();
  private final Clock clock = Clock.systemUTC();
  private final Map<String, Integer> streams = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> goingOffline = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "presence");
    thread.setDaemon(true);
    return thread;
  });

  PresenceTracker(PresenceStore store, PresenceAnnouncer announcer, PresenceProperties properties) {
    this.store = store;
    this.announcer = announcer;
    this.properties = properties;
  }

  /** A stream of the user opened here. */
  public void opened(String userId) {
    int now = streams.merge(userId, 1, Integer::sum);
    if (now != 1) {
      return;
    }
    ScheduledFuture<?> pending = goingOffline.remove(userId);
    if (pending != null && pending.cancel(false)) {
      return; // back before anyone was told otherwise
    }
    var at = clock.instant();
    store.renew(List.of(userId), instanceId, at, properties.expireAfter())
        .then(announcer.announce(userId, at))
        .subscribe(null, failed -> log.warn("marking {} online failed: {}", userId, failed.toString()));
  }

  /** A stream of the user here ended. */
  public void closed(String userId) {
    Integer left = streams.computeIfPresent(userId, (id, count) -> count == 1 ? null : count - 1);
    if (left != null) {
      return;
    }
    goingOffline.put(userId, timer.schedule(() -> goOffline(userId), properties.offlineAfter().toMillis(), TimeUnit.MILLISECONDS));
  }

  private void goOffline(String userId) {
    goingOffline.remove(userId);
    if (streams.containsKey(userId)) {
      return;
    }
    var at = clock.instant();
    store.left(userId, instanceId, at)
        .then(announcer.announce(userId, at))
        .subscribe(null, failed -> log.warn("marking {} offline failed: {}", userId, failed.toString()));
  }

  /** The number of users with a stream here. */
  public int users() {
    return streams.size();
  }

  @PostConstruct
  void startRenewing() {
    long every = properties.renewInterval().toMillis();
    timer.scheduleWithFixedDelay(() -> {
      if (streams.isEmpty()) {
        return;
      }
      try {
        store.renew(List.copyOf(streams.keySet()), instanceId, clock.instant(), properties.expireAfter()).block();
      } catch (RuntimeException failed) {
        log.warn("renewing the presence of {} users failed; the next renewal tries again: {}", streams.size(), failed.toString());
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }
}
