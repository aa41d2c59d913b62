package dev.chatsync.message.send.owner;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The durable record of who owns which slot (one conditional write per change of owner, one per
 * renewal period for all of an instance's slots) and which instances are alive. Blocking: used by
 * the lease loop's own thread only.
 */
public interface SlotTable {

  record Instance(String id, String address) {}

  /**
   * A slot as last recorded. {@code owner} is null when free (never owned, or released);
   * {@code ceiling} is the highest write timestamp (microseconds) its owners may have used.
   */
  record Slot(int slot, String owner, String address, long epoch, Instant expiresAt, long ceiling) {

    static Slot free(int slot) {
      return new Slot(slot, null, null, 0, Instant.EPOCH, 0);
    }
  }

  /** This instance is alive for {@code ttl} more. */
  void heartbeat(Instance self, Duration ttl);

  /** This instance stops: the others stop counting it at once instead of when its heartbeat runs out. */
  void leave(String id);

  List<Instance> instances();

  /** Every slot ever recorded, by number; a slot missing here is free at epoch 0. */
  Map<Integer, Slot> slots();

  /**
   * Takes the slots at the epochs they were seen at, all or none (one conditional write): each
   * gets {@code owner}, its epoch plus one, and the expiry and ceiling.
   */
  boolean acquire(Instance owner, Collection<Slot> seen, Instant expiresAt, long ceiling);

  /** Extends the slots {@code owner} holds at these epochs, all or none, with its current address. */
  boolean renew(Instance owner, Map<Integer, Long> epochs, Instant expiresAt, long ceiling);

  /** Frees the slots {@code owner} holds at these epochs, all or none, recording the ceilings it used. */
  boolean release(String owner, Map<Integer, Long> epochs, Map<Integer, Long> ceilings);
}
