package dev.chatsync.fanout.inbox;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.InboxHorizon;
import dev.chatsync.contracts.InboxKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one write of a user's inbox changes, computed from the state it starts from and the
 * arrivals alone: the new entries at the next seqs, the progress they apply, and the new state.
 * Nothing else goes in (no clock but the timestamps), so two writers that go on from states of the
 * same history over the same records plan the same entries at the same seqs: that, and not a
 * compare-and-set, is what keeps a stalled owner's late write harmless (P1, P2, P4).
 *
 * @param plannedAtMicros the write's time: later than the state's, even if this writer's clock is
 *     behind the last writer's, so that timestamps taken from it order one history's writes
 * @param horizon the new low-water marks, or null if they stay as they are
 */
public record InboxPlan(InboxState before, long expectedHead, List<PlannedEntry> entries, Map<String, Long> applied,
    long plannedAtMicros, Map<Long, Long> horizon) {

  public static InboxPlan of(InboxState state, List<Arrival> arrivals, long nowMillis, int ttlSeconds) {
    long head = state.head();
    Map<String, Long> applied = new HashMap<>();
    List<PlannedEntry> entries = new ArrayList<>();
    for (Arrival arrival : arrivals) {
      InboxAppend entry = arrival.entry();
      // Messages from before a rebuild are expanded again after it, in seq order, showing their
      // latest state: the copies still in flight from before, and their updates, would overtake
      // them (P3).
      if (arrival.offset() < state.rebuiltAtOffset() && (InboxKind.MESSAGE.wireName().equals(entry.kind())
          || InboxKind.MESSAGE_UPDATED.wireName().equals(entry.kind()))) {
        continue;
      }
      String key = entry.progressKey();
      long progress = applied.getOrDefault(key, state.applied(key));
      // Entries of a kind and conversation come in progress order: anything at or below what was
      // applied is a redelivery or a replay (P2, P8).
      if (entry.progress() <= progress) {
        continue;
      }
      applied.put(key, entry.progress());
      entries.add(new PlannedEntry(++head, entry));
    }
    long plannedAt = Math.max(nowMillis * 1_000, state.plannedAtMicros() + 1);
    Map<Long, Long> horizon = entries.isEmpty() ? null
        : InboxHorizon.marksAfterWrite(state.horizon(), state.head(), nowMillis, ttlSeconds);
    return new InboxPlan(state, state.head(), entries, applied, plannedAt, horizon);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public long head() {
    return entries.isEmpty() ? expectedHead : entries.get(entries.size() - 1).seq();
  }

  /** The state once this write is done, entries included. */
  public InboxState after(long reserved) {
    Map<String, Long> known = new LinkedHashMap<>(before.applied());
    known.putAll(applied);
    return new InboxState(true, head(), before.base(), reserved, plannedAtMicros,
        horizon == null ? before.horizon() : horizon, known, List.of(), before.rebuiltAtOffset());
  }
}
