package dev.chatsync.fanout.receipt;

import dev.chatsync.contracts.InboxAppend;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Coalesces receipts to at most one entry per sender per conversation per interval (docs/api.md): the
 * first read after a quiet interval goes out at once, the reads during the next interval go out
 * together when it ends. An entry names its readers and the position every one of them has read
 * to (the least of their positions), so it never claims more than was read.
 *
 * <p>Pending receipts live in memory only. Receipts are not core data (docs/design.md, "The ideas"): a crash
 * loses at most one interval of them, and the receipts endpoint, computed from the read positions,
 * stays exact. All the reads of a conversation reach one consumer (chat.reads is keyed by
 * conversation), so one instance's memory sees every receipt of a (sender, conversation).
 */
final class ReceiptCoalescer {

  /** Readers named in one entry; a client wanting all of them asks the receipts endpoint (P7). */
  static final int MAX_READERS = 20;

  private final long intervalMillis;
  private final ReceiptSink sink;
  private final Map<Key, Slot> slots = new ConcurrentHashMap<>();

  ReceiptCoalescer(long intervalMillis, ReceiptSink sink) {
    this.intervalMillis = intervalMillis;
    this.sink = sink;
  }

  private record Key(String senderId, String conversationId) {}

  /**
   * A read of the sender's messages up to {@code upTo}.
   *
   * @param order the read's place among the conversation's reads: stage 2 skips a receipt whose
   *     order it has seen (a replayed read, P2)
   */
  void offer(String senderId, String conversationId, String readerId, long upTo, long order, long nowMillis) {
    Key key = new Key(senderId, conversationId);
    while (true) {
      Slot slot = slots.computeIfAbsent(key, k -> new Slot());
      synchronized (slot) {
        if (slot.evicted) {
          continue;
        }
        slot.add(readerId, upTo, order);
        if (nowMillis - slot.lastSentAt >= intervalMillis) {
          send(key, slot, nowMillis);
        }
        return;
      }
    }
  }

  /** Sends what waited out its interval and forgets senders quiet for a whole interval. */
  void flushDue(long nowMillis) {
    slots.forEach((key, slot) -> {
      synchronized (slot) {
        if (nowMillis - slot.lastSentAt < intervalMillis) {
          return;
        }
        if (slot.pendingOrder > 0) {
          send(key, slot, nowMillis);
        } else {
          slot.evicted = true;
          slots.remove(key, slot);
        }
      }
    });
  }

  int tracked() {
    return slots.size();
  }

  private void send(Key key, Slot slot, long nowMillis) {
    long upTo = slot.pendingReaders.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    sink.send(InboxAppend.receipt(key.senderId(), key.conversationId(), upTo, List.copyOf(slot.pendingReaders.keySet()),
        slot.pendingOrder, nowMillis));
    slot.lastSentAt = nowMillis;
    slot.pendingOrder = 0;
    slot.pendingReaders.clear();
  }

  private static final class Slot {
    long lastSentAt = Long.MIN_VALUE / 2;
    long pendingOrder;
    /** Each pending reader's furthest position. */
    final Map<String, Long> pendingReaders = new LinkedHashMap<>();
    boolean evicted;

    void add(String readerId, long upTo, long order) {
      pendingOrder = Math.max(pendingOrder, order);
      if (pendingReaders.containsKey(readerId) || pendingReaders.size() < MAX_READERS) {
        pendingReaders.merge(readerId, upTo, Math::max);
      }
    }
  }
}
