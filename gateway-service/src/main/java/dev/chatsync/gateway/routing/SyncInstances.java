package dev.chatsync.gateway.routing;

import dev.chatsync.contracts.KeyPartitions;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The ready sync-service instances and, for each partition of the inbox notifications, the one a
 * user's stream goes to. Partitions go by rendezvous hashing with a bound on each instance's share:
 * every gateway with the same instances picks the same one without talking to the others.
 *
 * <p>A stream routed elsewhere is still served in full (any instance follows the partition of any
 * stream it holds); what routing buys is that an instance follows only its share of the
 * partitions, so what it reads falls as instances are added.
 */
@Component
class SyncInstances implements SmartLifecycle, InfoContributor {

  private static final Log log = LogFactory.getLog(SyncInstances.class);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  /** What the last refresh found; {@code owners[p]} is where the streams of partition p go. */
  record Snapshot(List<URI> ready, int partitions, URI[] owners) {
    static final Snapshot NONE = new Snapshot(List.of(), 0, new URI[0]);
  }

  private final StreamRoutingProperties properties;
  private final WebClient web = WebClient.create();
  private volatile Snapshot snapshot = Snapshot.NONE;
  private volatile Disposable refreshing;

  SyncInstances(StreamRoutingProperties properties) {
    this.properties = properties;
  }

  /** Where the user's stream goes, or empty to leave it to the default route. */
  Optional<URI> ownerOf(String userId) {
    Snapshot current = snapshot;
    if (current.partitions() == 0) {
      return Optional.empty();
    }
    return Optional.of(current.owners()[KeyPartitions.of(userId, current.partitions())]);
  }

  /**
   * Looks the instances up and keeps those that are ready and know the partition count (an
   * instance learns it from the broker at start).
   */
  Mono<Snapshot> refresh() {
    return Mono.fromCallable(this::candidates).subscribeOn(Schedulers.boundedElastic())
        .flatMapMany(Flux::fromIterable)
        .flatMapSequential(instance -> ready(instance).filter(ready -> ready)
            .flatMap(ready -> partitionCount(instance)).map(partitions -> Map.entry(instance, partitions)))
        .collectList()
        .map(SyncInstances::agreedSnapshot)
        .doOnNext(this::take);
  }

  /** The instances that agree with the most of them on the partition count (all, unless it is being changed). */
  private static Snapshot agreedSnapshot(List<Map.Entry<URI, Integer>> routable) {
    if (routable.isEmpty()) {
      return Snapshot.NONE;
    }
    Map<Integer, List<URI>> byCount = new HashMap<>();
    routable.forEach(entry -> byCount.computeIfAbsent(entry.getValue(), count -> new ArrayList<>()).add(entry.getKey()));
    Map.Entry<Integer, List<URI>> agreed = byCount.entrySet().stream()
        .max(Comparator.<Map.Entry<Integer, List<URI>>>comparingInt(entry -> entry.getValue().size())
            .thenComparing(Map.Entry::getKey))
        .orElseThrow();
    return snapshotOf(agreed.getValue(), agreed.getKey());
  }

  private Set<URI> candidates() {
    Set<URI> candidates = new LinkedHashSet<>(properties.instances());
    if (properties.dnsName() != null && !properties.dnsName().isBlank()) {
      try {
        for (InetAddress address : InetAddress.getAllByName(properties.dnsName())) {
          candidates.add(uri(address));
        }
      } catch (UnknownHostException none) {
        // No ready pod behind the name (or DNS away): the fixed instances, if any, still count.
        log.debug("stream routing: " + properties.dnsName() + " resolves to nothing: " + none);
      }
    }
    return candidates;
  }

  private URI uri(InetAddress address) {
    try {
      // The constructor brackets an IPv6 address, which concatenation would not.
      return new URI("http", null, address.getHostAddress(), properties.port(), null, null, null);
    } catch (URISyntaxException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private Mono<Boolean> ready(URI instance) {
    return web.get().uri(instance.resolve("/actuator/health/readiness")).retrieve().toBodilessEntity()
        .map(response -> true)
        .timeout(PROBE_TIMEOUT)
        .onErrorReturn(false);
  }

  /** The instance's {@code notify.partitions} info: the partition count it hashes users with. */
  private Mono<Integer> partitionCount(URI instance) {
    return web.get().uri(instance.resolve("/actuator/info")).retrieve()
        .bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {})
        .timeout(PROBE_TIMEOUT)
        .flatMap(info -> info.get("notify") instanceof Map<?, ?> notify && notify.get("partitions") instanceof Number count
            && count.intValue() > 0 ? Mono.just(count.intValue()) : Mono.empty())
        .onErrorResume(failure -> Mono.empty());
  }

  /**
   * Each partition to the instance with the highest score for it among those that have room: every
   * instance ends with the floor or the ceiling of partitions / instances (without that bound, a few
   * partitions over two instances could all go to one). Partitions are placed in order, so every
   * gateway that sees the same instances makes the same table, and an instance that comes or goes
   * moves few partitions besides its own.
   */
  static Snapshot snapshotOf(List<URI> ready, int partitions) {
    List<URI> instances = ready.stream().sorted(Comparator.comparing(URI::toString)).toList();
    int floor = partitions / instances.size();
    int[] ceilingsLeft = {partitions % instances.size()};
    Map<URI, Integer> held = new HashMap<>();
    URI[] owners = new URI[partitions];
    for (int partition = 0; partition < partitions; partition++) {
      int p = partition;
      URI owner = instances.stream()
          .filter(instance -> {
            int count = held.getOrDefault(instance, 0);
            return count < floor || (count == floor && ceilingsLeft[0] > 0);
          })
          .max(Comparator.<URI>comparingInt(instance -> score(instance, p)).thenComparing(URI::toString))
          .orElseThrow();
      if (held.merge(owner, 1, Integer::sum) == floor + 1) {
        ceilingsLeft[0]--;
      }
      owners[partition] = owner;
    }
    return new Snapshot(instances, partitions, owners);
  }

  private static int score(URI instance, int partition) {
    return KeyPartitions.of(instance + "#" + partition, Integer.MAX_VALUE);
  }

  /** {@code streamRouting} in the gateway's info: the instances it routes streams over. */
  @Override
  public void contribute(Info.Builder builder) {
    Snapshot current = snapshot;
    // Counts only: the gateway is public, its instances' addresses are not.
    builder.withDetail("streamRouting", Map.of("enabled", properties.enabled(), "instances", current.ready().size(),
        "partitions", current.partitions()));
  }

  private void take(Snapshot next) {
    Snapshot previous = snapshot;
    snapshot = next;
    if (!previous.ready().equals(next.ready()) || previous.partitions() != next.partitions()) {
      log.info("stream routing: " + next.ready().size() + " sync-service instance(s) ready " + next.ready()
          + " over " + next.partitions() + " notification partitions"
          + (next.partitions() == 0 ? " (streams go to the default route)" : ""));
    }
  }

  @Override
  public void start() {
    if (!properties.enabled()) {
      return;
    }
    refreshing = Flux.interval(Duration.ZERO, properties.refresh())
        .onBackpressureDrop()
        .concatMap(tick -> refresh().onErrorResume(failure -> {
          log.warn("stream routing: could not look up the sync-service instances: " + failure);
          return Mono.empty();
        }), 1)
        .subscribe();
  }

  @Override
  public void stop() {
    Disposable current = refreshing;
    if (current != null) {
      current.dispose();
      refreshing = null;
    }
  }

  @Override
  public boolean isRunning() {
    return refreshing != null;
  }
}
