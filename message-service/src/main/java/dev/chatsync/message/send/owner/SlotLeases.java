package dev.chatsync.message.send.owner;

import dev.chatsync.message.send.owner.SlotTable.Instance;
import dev.chatsync.message.send.owner.SlotTable.Slot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Which slots this instance owns, kept by a loop on its own thread: every renewal period it
 * heartbeats, reads the live instances and the slot table (two single-partition reads), renews
 * what it holds in one conditional batch, hands over the slots rendezvous hashing gives to another
 * live instance once their writes in flight are over, and takes the slots it should own that are
 * free or whose owner's lease ran out (one conditional batch).
 *
 * <p>A write starts only under a lease that outlives it ({@link #beginWrite}), and is acknowledged
 * only if the lease still held when it ended ({@link SlotLease#heldAt}). Another instance takes a
 * slot only after its recorded expiry plus the store's request timeout plus the clock skew, so a
 * stalled owner's writes have all ended, landed or failed, by then; and its own writes carry
 * higher timestamps, so anything of the stalled owner that lands later loses (P1, P3, P5).
 */
public class SlotLeases implements SmartLifecycle {

  private static final Log log = LogFactory.getLog(SlotLeases.class);

  /** A write allowed under {@code lease}, with its timestamp (microseconds). */
  public record Permit(SlotLease lease, long timestamp) {}

  private final SlotTable table;
  private final String id;
  private final Supplier<String> address;
  private final Duration lease;
  private final Duration renewInterval;
  private final Duration clockSkew;
  private final Duration requestTimeout;
  private final Clock wall;
  private final LongSupplier nanos;

  private final Object lock = new Object();
  private final Map<Integer, SlotLease> held = new HashMap<>();
  private final Set<Integer> draining = new HashSet<>();
  private final int[] writesInFlight = new int[SendSlots.COUNT];
  private final long[] lastTimestamp = new long[SendSlots.COUNT];
  private volatile Map<Integer, Slot> lastSeen = Map.of();
  private ScheduledExecutorService loop;

  public SlotLeases(SlotTable table, String id, Supplier<String> address, Duration lease, Duration renewInterval, Duration clockSkew,
      Duration requestTimeout, Clock wall, LongSupplier nanos) {
    if (lease.compareTo(renewInterval.multipliedBy(2).plus(clockSkew).plus(requestTimeout)) <= 0) {
      throw new IllegalStateException("chat.messages.owner-lease (" + lease + ") must exceed two renewal intervals ("
          + renewInterval + ") plus the clock skew (" + clockSkew + ") plus the store's request timeout (" + requestTimeout + ")");
    }
    this.table = table;
    this.id = id;
    this.address = address;
    this.lease = lease;
    this.renewInterval = renewInterval;
    this.clockSkew = clockSkew;
    this.requestTimeout = requestTimeout;
    this.wall = wall;
    this.nanos = nanos;
  }

  public String instanceId() {
    return id;
  }

  /**
   * A permit to write into {@code slot} now, or empty when this instance does not hold it, is
   * handing it over, or could not finish a write before its lease ends. Every permit is given back
   * with {@link #endWrite}.
   */
  public Optional<Permit> beginWrite(int slot) {
    synchronized (lock) {
      SlotLease current = held.get(slot);
      if (current == null || draining.contains(slot)
          || !current.allowsWriteStartingAt(nanos.getAsLong(), requestTimeout.toNanos())) {
        return Optional.empty();
      }
      long timestamp = Math.max(micros(wall.instant()), Math.max(lastTimestamp[slot] + 1, current.timestampFloor()));
      if (timestamp > current.ceiling()) {
        return Optional.empty();
      }
      lastTimestamp[slot] = timestamp;
      writesInFlight[slot]++;
      return Optional.of(new Permit(current, timestamp));
    }
  }

  /** The epoch of the lease this instance holds on the slot, or -1. */
  public long currentEpoch(int slot) {
    synchronized (lock) {
      SlotLease current = held.get(slot);
      return current == null ? -1 : current.epoch();
    }
  }

  public void endWrite(Permit permit) {
    synchronized (lock) {
      writesInFlight[permit.lease().slot()]--;
    }
  }

  /**
   * Whether the lease a write was permitted under still holds now: it may be acknowledged. Not only
   * by time: once this instance gave the slot up, or took it again under a new epoch (whose logs
   * fence it anew), a write of the old epoch is not acknowledged, as it may be overwritten (P1).
   */
  public boolean stillHeld(Permit permit) {
    synchronized (lock) {
      SlotLease current = held.get(permit.lease().slot());
      if (current == null || current.epoch() != permit.lease().epoch()) {
        return false;
      }
    }
    return permit.lease().heldAt(nanos.getAsLong());
  }

  /** The address of the instance the slot table last named the slot's owner, if it is another one. */
  public Optional<String> ownerElsewhere(int slot) {
    Slot seen = lastSeen.get(slot);
    if (seen == null || seen.owner() == null || seen.owner().equals(id) || seen.address() == null) {
      return Optional.empty();
    }
    return Optional.of(seen.address());
  }

  /** One round of the loop; the tests call it directly. */
  public void tick() {
    long startedNanos = nanos.getAsLong();
    Instant startedAt = wall.instant();
    Instant expiresAt = startedAt.plus(lease);
    long ceiling = Math.max(micros(expiresAt), highestCeilingHeld());
    long validUntil = startedNanos + lease.minus(clockSkew).toNanos();

    Instance self = new Instance(id, address.get());
    table.heartbeat(self, lease);
    List<String> live = new ArrayList<>(table.instances().stream().map(Instance::id).toList());
    if (!live.contains(id)) {
      live.add(id);
    }
    Map<Integer, Slot> slots = table.slots();
    lastSeen = slots;

    renewHeld(self, slots, live, expiresAt, ceiling, validUntil);
    releaseDrained();
    acquireFree(self, slots, live, startedAt, expiresAt, ceiling, validUntil);
  }

  private void renewHeld(Instance self, Map<Integer, Slot> slots, List<String> live, Instant expiresAt, long ceiling, long validUntil) {
    Map<Integer, Long> epochs = new HashMap<>();
    synchronized (lock) {
      held.entrySet().removeIf(entry -> {
        Slot seen = slots.get(entry.getKey());
        boolean lost = seen == null || !id.equals(seen.owner()) || seen.epoch() != entry.getValue().epoch();
        if (lost) {
          log.warn("slot " + entry.getKey() + " is no longer this instance's (" + seen + ")");
          draining.remove(entry.getKey());
        }
        return lost;
      });
      held.forEach((slot, current) -> {
        epochs.put(slot, current.epoch());
        if (!id.equals(SendSlots.preferredOwner(slot, live))) {
          draining.add(slot);
        }
      });
    }
    if (epochs.isEmpty()) {
      return;
    }
    boolean renewed = table.renew(self, epochs, expiresAt, ceiling);
    synchronized (lock) {
      if (renewed) {
        held.replaceAll((slot, current) -> current.renewed(ceiling, validUntil));
      } else {
        // Someone took a slot we thought ours: trust none of them (they run out on their own);
        // the next round sees what is ours.
        log.warn("renewing slots " + epochs.keySet() + " failed; dropping them until the next round");
        held.clear();
        draining.clear();
      }
    }
  }

  /** Hands over the slots being drained whose writes are all over. */
  private void releaseDrained() {
    Map<Integer, Long> epochs = new HashMap<>();
    Map<Integer, Long> ceilings = new HashMap<>();
    synchronized (lock) {
      for (int slot : draining) {
        if (writesInFlight[slot] == 0) {
          epochs.put(slot, held.get(slot).epoch());
          // Never below the ceiling of the owners before: a lease that wrote nothing passes theirs on.
          ceilings.put(slot, Math.max(lastTimestamp[slot], held.get(slot).timestampFloor() - 1));
        }
      }
      // From here on no write starts in these slots, whether the release lands or not.
      epochs.keySet().forEach(slot -> {
        held.remove(slot);
        draining.remove(slot);
      });
    }
    if (!epochs.isEmpty() && !table.release(id, epochs, ceilings)) {
      log.warn("releasing slots " + epochs.keySet() + " found them changed; they run out on their own");
    }
  }

  private void acquireFree(Instance self, Map<Integer, Slot> slots, List<String> live, Instant now, Instant expiresAt, long ceiling,
      long validUntil) {
    Instant takeableBefore = now.minus(requestTimeout).minus(clockSkew);
    List<Slot> wanted = new ArrayList<>();
    synchronized (lock) {
      for (int slot = 0; slot < SendSlots.COUNT; slot++) {
        if (held.containsKey(slot) || !id.equals(SendSlots.preferredOwner(slot, live))) {
          continue;
        }
        Slot seen = slots.getOrDefault(slot, Slot.free(slot));
        // Still recorded as ours (this instance dropped it when a renewal found another slot
        // taken): nobody else writes there, so it is taken again at once, under a new epoch that
        // makes this instance load its conversations afresh.
        if (seen.owner() == null || id.equals(seen.owner()) || seen.expiresAt().isBefore(takeableBefore)) {
          wanted.add(seen);
        }
      }
    }
    if (wanted.isEmpty() || !table.acquire(self, wanted, expiresAt, ceiling)) {
      return;
    }
    synchronized (lock) {
      for (Slot seen : wanted) {
        held.put(seen.slot(), new SlotLease(seen.slot(), seen.epoch() + 1, seen.ceiling() + 1, ceiling, validUntil));
      }
    }
    log.info("took slots " + wanted.stream().map(Slot::slot).toList());
  }

  /** Hands every slot over at once, for a graceful stop: the next owner need not wait for the lease to run out. */
  private void releaseAll() {
    synchronized (lock) {
      draining.addAll(held.keySet());
    }
    long deadline = nanos.getAsLong() + requestTimeout.toNanos();
    while (nanos.getAsLong() < deadline) {
      synchronized (lock) {
        if (draining.stream().allMatch(slot -> writesInFlight[slot] == 0)) {
          break;
        }
      }
      sleep(Duration.ofMillis(20));
    }
    releaseDrained();
  }

  /** A clock stepping back must not record a ceiling below timestamps already used. */
  private long highestCeilingHeld() {
    synchronized (lock) {
      return held.values().stream().mapToLong(SlotLease::ceiling).max().orElse(0);
    }
  }

  private static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void start() {
    loop = Executors.newSingleThreadScheduledExecutor(runnable -> new Thread(runnable, "slot-leases"));
    loop.scheduleWithFixedDelay(() -> {
      try {
        tick();
      } catch (RuntimeException failure) {
        log.warn("slot lease round failed; the leases held run out unless the next round renews them: " + failure);
      }
    }, 0, renewInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    try {
      if (loop != null) {
        loop.shutdown();
        loop.awaitTermination(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      table.leave(id);
      releaseAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException failure) {
      log.warn("releasing slots at stop failed; they run out on their own: " + failure);
    }
  }

  @Override
  public boolean isRunning() {
    return loop != null && !loop.isShutdown();
  }
}
