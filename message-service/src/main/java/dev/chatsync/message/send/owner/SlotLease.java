package dev.chatsync.message.send.owner;

/**
 * This instance's lease on a slot, as far as it can trust it: until {@code validUntilNanos} on
 * this JVM's monotonic clock (the renewal's start plus the lease, less the clock skew), so that
 * it ends here before any other instance, by its own clock, may take the slot over.
 *
 * @param epoch raised by every change of owner: the conversations' in-memory state of an older
 *     epoch is never trusted again
 * @param timestampFloor every write of this lease carries a timestamp above every write of the
 *     slot's earlier owners (their recorded ceiling), so a late write of a stalled earlier owner
 *     always loses to ours, whenever it lands (P1, P3)
 * @param ceiling the highest write timestamp (microseconds) this lease may use: what the slot
 *     table records for it, so that the next owner starts above it
 */
public record SlotLease(int slot, long epoch, long timestampFloor, long ceiling, long validUntilNanos) {

  /** A write may start now only if it is over, by its request timeout, while the lease still holds. */
  public boolean allowsWriteStartingAt(long nanos, long requestTimeoutNanos) {
    return nanos + requestTimeoutNanos < validUntilNanos;
  }

  /** A write that ended at {@code nanos} may be acknowledged: nobody else could have taken the slot yet. */
  public boolean heldAt(long nanos) {
    return nanos < validUntilNanos;
  }

  SlotLease renewed(long newCeiling, long nanos) {
    return new SlotLease(slot, epoch, timestampFloor, newCeiling, nanos);
  }
}
