package dev.chatsync.message.send.owner;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Conversations are grouped into a fixed number of slots; each slot has one owner at a time, the
 * message-service instance that allocates the seqs of its conversations from memory.
 */
public final class SendSlots {

  /**
   * Fixed for the life of a cluster: two instances that disagreed on it would own one
   * conversation through two different slots, and both allocate its seqs (P3).
   */
  public static final int COUNT = 64;

  private SendSlots() {}

  public static int slotOf(String conversationId) {
    return (int) Long.remainderUnsigned(hash(conversationId), COUNT);
  }

  /**
   * Rendezvous hashing: of the live instances, the one whose hash with the slot is highest. Every
   * instance that sees the same live set picks the same owner, and when an instance joins or
   * leaves, only the slots it wins or held move.
   */
  public static String preferredOwner(int slot, Collection<String> instances) {
    String best = null;
    long bestScore = 0;
    for (String instance : instances) {
      long score = hash(instance + "/" + slot);
      if (best == null || Long.compareUnsigned(score, bestScore) > 0 || score == bestScore && instance.compareTo(best) < 0) {
        best = instance;
        bestScore = score;
      }
    }
    return best;
  }

  /** FNV-1a over the UTF-8 bytes, then a 64-bit finalizer: stable across JVMs, unlike hashCode's spread. */
  static long hash(String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
