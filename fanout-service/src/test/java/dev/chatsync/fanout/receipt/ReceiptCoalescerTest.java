package dev.chatsync.fanout.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.chatsync.contracts.InboxAppend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiptCoalescerTest {

  private final List<InboxAppend> sent = new ArrayList<>();
  private final ReceiptCoalescer receipts = new ReceiptCoalescer(1_000, sent::add);

  @Test
  void theFirstReadGoesOutAtOnceAndTheNextOnesTogetherWhenTheIntervalEnds() {
    receipts.offer("alice", "c1", "bob", 3, 10, 0);
    receipts.offer("alice", "c1", "carol", 5, 11, 200);
    receipts.offer("alice", "c1", "dave", 4, 12, 400);
    receipts.flushDue(999);

    assertThat(sent).extracting(InboxAppend::conversationSeq, InboxAppend::actors).containsExactly(tuple(3L, List.of("bob")));

    receipts.flushDue(1_000);

    // Carol read to 5, dave to 4: the entry claims only what both read.
    assertThat(sent).extracting(InboxAppend::conversationSeq, InboxAppend::actors, InboxAppend::progress)
        .containsExactly(tuple(3L, List.of("bob"), 10L), tuple(4L, List.of("carol", "dave"), 12L));
    assertThat(sent).extracting(InboxAppend::userId, InboxAppend::kind).containsOnly(tuple("alice", "receipt"));
  }

  @Test
  void aReaderSeenTwiceInAnIntervalCountsWithTheirFurthestPosition() {
    receipts.offer("alice", "c1", "bob", 1, 1, 0);
    receipts.offer("alice", "c1", "bob", 2, 2, 100);
    receipts.offer("alice", "c1", "bob", 6, 3, 200);
    receipts.flushDue(1_000);

    assertThat(sent).extracting(InboxAppend::conversationSeq, InboxAppend::actors)
        .containsExactly(tuple(1L, List.of("bob")), tuple(6L, List.of("bob")));
  }

  @Test
  void sendersAndConversationsAreCoalescedApart() {
    receipts.offer("alice", "c1", "bob", 3, 1, 0);
    receipts.offer("alice", "c2", "bob", 3, 2, 10);
    receipts.offer("carol", "c1", "bob", 3, 3, 20);

    assertThat(sent).extracting(InboxAppend::userId, InboxAppend::conversationId)
        .containsExactly(tuple("alice", "c1"), tuple("alice", "c2"), tuple("carol", "c1"));
  }

  @Test
  void aQuietSenderIsForgottenAndTheirNextReadGoesOutAtOnce() {
    receipts.offer("alice", "c1", "bob", 3, 1, 0);
    receipts.flushDue(1_000);
    assertThat(receipts.tracked()).isZero();

    receipts.offer("alice", "c1", "bob", 4, 2, 1_050);

    assertThat(sent).extracting(InboxAppend::conversationSeq).containsExactly(3L, 4L);
  }

  @Test
  void oneEntryNamesAtMostSoManyReaders() {
    receipts.offer("alice", "c1", "first", 1, 1, 0);
    for (int i = 0; i < ReceiptCoalescer.MAX_READERS + 5; i++) {
      receipts.offer("alice", "c1", "reader-" + i, 2, 2 + i, 10);
    }
    receipts.flushDue(1_000);

    assertThat(sent.get(1).actors()).hasSize(ReceiptCoalescer.MAX_READERS);
  }
}
