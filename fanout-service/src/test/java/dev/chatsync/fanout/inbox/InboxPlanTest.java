package dev.chatsync.fanout.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.MessageChanged;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InboxPlanTest {

  private static final int TTL = 3600;
  private static final long NOW = 1_000_000_000L;

  private final InboxState state = new InboxState(true, 10, 0, 10_000, NOW * 1000 + 5_000_000, Map.of(),
      Map.of("c1", 4L, "read:c1", 2L), List.of(), 100);

  @Test
  void entriesGoAtTheNextSeqsAndWhatWasAppliedIsSkipped() {
    InboxPlan plan = InboxPlan.of(state, List.of(
        arrival(InboxAppend.message("u", "c1", 4, "m4", "a", 0), 200),
        arrival(InboxAppend.message("u", "c1", 5, "m5", "a", 0), 201),
        arrival(InboxAppend.read("u", "c1", 2, 0), 202),
        arrival(InboxAppend.read("u", "c1", 3, 0), 203),
        arrival(InboxAppend.message("u", "c1", 5, "m5", "a", 0), 204)), NOW, TTL);

    assertThat(plan.expectedHead()).isEqualTo(10);
    assertThat(plan.entries()).extracting(PlannedEntry::seq).containsExactly(11L, 12L);
    assertThat(plan.entries()).extracting(planned -> planned.entry().kind()).containsExactly("message", "read");
    assertThat(plan.applied()).isEqualTo(Map.of("c1", 5L, "read:c1", 3L));
    assertThat(plan.after(10_000).applied()).containsEntry("c1", 5L).containsEntry("read:c1", 3L);
  }

  @Test
  void messagesFromBeforeARebuildAreLeftToItsReExpansion() {
    InboxPlan plan = InboxPlan.of(state, List.of(
        arrival(InboxAppend.message("u", "c1", 9, "m9", "a", 0), 99),
        arrival(updated(3, 2), 99),
        arrival(InboxAppend.membership("u", "c1", "added", 0, "a", 1, 0), 99)), NOW, TTL);

    assertThat(plan.entries()).extracting(planned -> planned.entry().kind()).containsExactly("membership");
  }

  /** Each message keeps its own versions: an update of one message never hides another's (P1), a repeat adds nothing (P2). */
  @Test
  void updatesAreKeptOncePerMessageAndVersion() {
    InboxPlan plan = InboxPlan.of(state, List.of(
        arrival(updated(3, 2), 200),
        arrival(updated(4, 2), 201),
        arrival(updated(3, 2), 202),
        arrival(updated(3, 4), 203),
        arrival(updated(3, 3), 204)), NOW, TTL);

    assertThat(plan.entries()).extracting(planned -> planned.entry().conversationSeq(), planned -> planned.entry().order())
        .containsExactly(tuple(3L, 2L), tuple(4L, 2L),
            tuple(3L, 4L));
    assertThat(plan.applied()).isEqualTo(Map.of("message-updated:c1:3", 4L, "message-updated:c1:4", 2L));
  }

  private static InboxAppend updated(long seq, int version) {
    return InboxAppend.messageUpdated("u", new MessageChanged("c1", seq, "m" + seq, "a", version, MessageChanged.EDITED, "a", 0));
  }

  @Test
  void aWritersTimeNeverGoesBackEvenIfItsClockIsBehindTheLastWriters() {
    InboxPlan plan = InboxPlan.of(state, List.of(arrival(InboxAppend.message("u", "c1", 5, "m5", "a", 0), 200)), NOW, TTL);

    assertThat(plan.plannedAtMicros()).isEqualTo(state.plannedAtMicros() + 1);
    assertThat(plan.horizon()).as("the first write of a bucket marks the head before it").containsValue(10L);
  }

  @Test
  void nothingNewIsNoWrite() {
    assertThat(InboxPlan.of(state, List.of(arrival(InboxAppend.message("u", "c1", 3, "m3", "a", 0), 200)), NOW, TTL).isEmpty())
        .isTrue();
  }

  private static Arrival arrival(InboxAppend entry, long offset) {
    return new Arrival(entry, offset);
  }
}
