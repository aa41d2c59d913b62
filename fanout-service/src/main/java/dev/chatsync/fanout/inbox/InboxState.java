package dev.chatsync.fanout.inbox;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's inbox state ({@code inbox_state}) as stage 2 last read or wrote it.
 *
 * @param exists false for a user with no state row: a new inbox, or one whose tables were lost
 * @param head the last inbox seq allocated; every state change moves it, so it versions the row
 * @param base entries at or below it are not in this generation of the inbox
 * @param reserved inbox seqs up to here are reserved in {@code inbox_reservations}
 * @param plannedAtMicros the time of the last write, never going back (see {@link InboxPlan})
 * @param horizon the low-water marks (contracts' InboxHorizon)
 * @param applied per kind and conversation, the progress applied so far (P2): only the keys read
 *     or written lately, never a user's whole history
 * @param pending the entries of the last write, which may not all be written yet
 * @param rebuiltAtOffset message entries from records below this offset predate a rebuild
 */
public record InboxState(boolean exists, long head, long base, long reserved, long plannedAtMicros, Map<Long, Long> horizon,
    Map<String, Long> applied, List<PlannedEntry> pending, long rebuiltAtOffset) {

  /** The state of an inbox with no row: it starts above every seq reserved for the user before. */
  public static InboxState fresh(long reserved) {
    return new InboxState(false, reserved, reserved, reserved, 0, Map.of(), Map.of(), List.of(), 0);
  }

  public long applied(String progressKey) {
    return applied.getOrDefault(progressKey, 0L);
  }

  public InboxState withApplied(Map<String, Long> known) {
    return new InboxState(exists, head, base, reserved, plannedAtMicros, horizon, known, pending, rebuiltAtOffset);
  }

  /** This state remembering only the progress of the arrivals' kinds and conversations (bounded memory, P7). */
  public InboxState keepingProgressOf(List<Arrival> arrivals) {
    Map<String, Long> kept = new HashMap<>();
    for (Arrival arrival : arrivals) {
      String key = arrival.entry().progressKey();
      kept.put(key, applied(key));
    }
    return withApplied(kept);
  }
}
