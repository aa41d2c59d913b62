package dev.chatsync.sync.presence;

import dev.chatsync.sync.presence.PresenceStore.Device;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The streams this instance holds, per device, and so who is online from here. A user's first
 * stream marks them online and tells their partners; when a device's last stream ends, after
 * {@code chat.presence.offline-after} (a reconnect within it changes nothing: coalesced), its row
 * goes, and if it was the user's last device here the partners are told the user went offline.
 * Every {@code chat.presence.renew-interval} the devices with streams here are renewed, so an
 * instance that dies lets them expire within {@code chat.presence.expire-after}. The push notifier
 * sends nothing to a device with a row.
 */
@Component
public class PresenceTracker {

  private static final Logger log = LoggerFactory.getLogger(PresenceTracker.class);

  private final PresenceStore store;
  private final PresenceAnnouncer announcer;
  private final PresenceProperties properties;
  private final String instanceId = UUID.randomUUID().toString();
  private final Clock clock = Clock.systemUTC();
  /**
   * Streams per user and device. A device whose streams all ended stays with 0 until it leaves (it
   * may come back first); a user with no device is absent. Changed only in the map's lock for the user.
   */
  private final Map<String, Map<String, Integer>> streams = new ConcurrentHashMap<>();
  private final Map<Device, ScheduledFuture<?>> leaving = new ConcurrentHashMap<>();
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

  /** A stream of the user's device opened here. */
  public void opened(String userId, String deviceId) {
    boolean[] newUser = {false};
    boolean[] newDevice = {false};
    streams.compute(userId, (id, devices) -> {
      Map<String, Integer> held = devices == null ? new ConcurrentHashMap<>() : devices;
      newUser[0] = devices == null;
      Integer before = held.put(deviceId, held.getOrDefault(deviceId, 0) + 1);
      newDevice[0] = before == null;
      return held;
    });
    Device device = new Device(userId, deviceId);
    ScheduledFuture<?> pending = leaving.remove(device);
    if (pending != null) {
      pending.cancel(false); // back before it left: its row is still there, nobody was told
    }
    if (!newDevice[0]) {
      return;
    }
    var at = clock.instant();
    // Coalesced across instances too: a user whose streams move (a sync-service restart) was online
    // before, on another instance, and makes no event.
    Mono<Boolean> wasOnline = newUser[0] ? store.of(List.of(userId)).map(found -> found.get(userId).online()) : Mono.just(true);
    wasOnline.flatMap(before -> store.renew(List.of(device), instanceId, at, properties.expireAfter())
            .then(before ? Mono.<Void>empty() : announcer.announce(userId, at)))
        .subscribe(null, failed -> log.warn("marking {} online failed: {}", userId, failed.toString()));
  }

  /** A stream of the user's device here ended. */
  public void closed(String userId, String deviceId) {
    boolean[] lastOfDevice = {false};
    streams.computeIfPresent(userId, (id, devices) -> {
      int left = devices.getOrDefault(deviceId, 1) - 1;
      devices.put(deviceId, left);
      lastOfDevice[0] = left == 0;
      return devices;
    });
    if (lastOfDevice[0]) {
      Device device = new Device(userId, deviceId);
      leaving.put(device, timer.schedule(() -> leave(device), properties.offlineAfter().toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  /** The device's streams ended a while ago and none came back: its row goes, and the user if it was the last. */
  private void leave(Device device) {
    departure(device).subscribe(null, failed -> log.warn("marking {} offline failed: {}", device, failed.toString()));
  }

  private Mono<Void> departure(Device device) {
    leaving.remove(device);
    boolean[] gone = {false};
    boolean[] userGone = {false};
    streams.computeIfPresent(device.userId(), (id, devices) -> {
      if (devices.getOrDefault(device.deviceId(), 0) > 0) {
        return devices;
      }
      gone[0] = devices.remove(device.deviceId()) != null;
      userGone[0] = devices.isEmpty();
      return devices.isEmpty() ? null : devices;
    });
    if (!gone[0]) {
      return Mono.empty();
    }
    var at = clock.instant();
    return store.left(device, instanceId, at).then(userGone[0] ? announcer.announceIfOffline(device.userId(), at) : Mono.empty());
  }

  private List<Device> devices() {
    List<Device> all = new ArrayList<>();
    streams.forEach((userId, devices) -> devices.keySet().forEach(deviceId -> all.add(new Device(userId, deviceId))));
    return all;
  }

  @PostConstruct
  void startRenewing() {
    long every = properties.renewInterval().toMillis();
    timer.scheduleWithFixedDelay(() -> {
      if (streams.isEmpty()) {
        return;
      }
      try {
        store.renew(devices(), instanceId, clock.instant(), properties.expireAfter()).block();
      } catch (RuntimeException failed) {
        log.warn("renewing the presence of {} devices failed; the next renewal tries again: {}", streams.size(), failed.toString());
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * The departures still waiting go now (the streams were drained first): the partners hear of them,
   * rather than see the user online until the rows expire.
   */
  @PreDestroy
  void stop() {
    timer.shutdownNow();
    List<Device> departing = List.copyOf(leaving.keySet());
    try {
      Flux.fromIterable(departing).flatMap(this::departure).then().block(Duration.ofSeconds(5));
    } catch (RuntimeException notAll) {
      log.warn("{} departures at shutdown did not all complete; their rows expire by themselves: {}", departing.size(),
          notAll.toString());
    }
  }
}
