package dev.chatsync.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.InboxAppend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.TaskScheduler;

/**
 * Reads through the fanout on the real broker and node: chat.reads in, the reader's read entries and
 * the senders' coalesced receipts out.
 */
@FanoutIntegrationTest
class ReceiptFanoutIT extends FanoutITSupport {

  @Test
  void readEntriesReachTheReadersInboxOnceEachAndMoveTheirReadPosition() {
    cql.execute("INSERT INTO conversations_by_user (user_id, conversation_id, joined_seq, last_seq, read_seq) VALUES (?, ?, 0, 5, 0)",
        bob, conversationId);
    // 1 comes after 2: a read position never moves back, so that entry is skipped.
    for (long upTo : new long[] {2, 1, 2, 3}) {
      inboxAppends.send(InboxAppend.read(bob, conversationId, upTo, 0L)).join();
    }
    inboxAppends.send(marker()).join();

    await().atMost(Duration.ofSeconds(60)).until(() -> inbox(bob).size() == 3);
    assertThat(inbox(bob)).extracting(row -> row.getString("kind")).containsExactly("read", "read", "message");
    assertThat(inbox(bob)).extracting(row -> row.getLong("conversation_seq")).containsExactly(2L, 3L, 1L);
    // The conversation list follows the entries.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cql.execute(
        "SELECT read_seq FROM conversations_by_user WHERE user_id = ? AND conversation_id = ?", bob, conversationId)
        .one().getLong("read_seq")).isEqualTo(3L));
  }

  @Test
  void aReadBecomesAReadEntryForTheReaderAndCoalescedReceiptsForTheSenders() {
    String carol = "carol-" + suffix;
    String gone = "gone-" + suffix;
    addMember(alice, 0);
    addMember(bob, 0);
    addMember(carol, 0);
    cql.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, left_seq) VALUES (?, ?, 0, 4)",
        conversationId, gone);
    appendToTimeline(1);
    appendToTimeline(2, bob);
    appendToTimeline(3);
    appendToTimeline(4, gone);

    readMoved(carol, 0, 4);
    readMoved(bob, 0, 3);

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(inbox(carol)).extracting(row -> row.getString("kind"), row -> row.getLong("conversation_seq"))
          .containsExactly(tuple("read", 4L));
      assertThat(inbox(bob)).extracting(row -> row.getString("kind")).containsExactly("receipt", "read");
      assertThat(inbox(alice)).hasSize(2);
    });
    // Alice's receipts: carol's read at once, bob's a second later, not one per read and message.
    List<Row> receipts = inbox(alice);
    assertThat(receipts).extracting(row -> row.getString("kind")).containsOnly("receipt");
    assertThat(receipts).extracting(row -> row.getList("actors", String.class)).containsExactly(List.of(carol), List.of(bob));
    // The coalescer holds bob's receipt back a second after carol's; created_at is stamped when
    // stage 2 writes each entry, so the first one's write delay shortens the gap seen here (a CI
    // run saw 898 ms). Half the interval still tells a held receipt from one sent at once.
    Duration apart = Duration.between(receipts.get(0).getInstant("created_at"), receipts.get(1).getInstant("created_at"));
    assertThat(apart).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    assertThat(inbox(bob).get(0).getList("actors", String.class)).containsExactly(carol);
    // P6: a removed member gets nothing after their removal, receipts included.
    assertThat(inbox(gone)).isEmpty();
  }

  /** A sweep on a slow store holds a scheduler thread: the receipts' flush must not wait behind it. */
  @Test
  void aScheduledJobThatHangsDoesNotHoldUpReceipts(@Autowired TaskScheduler scheduler) throws Exception {
    addMember(alice, 0);
    addMember(bob, 0);
    addMember(carol(), 0);
    appendToTimeline(1);
    appendToTimeline(2);
    readMoved(carol(), 0, 1);
    await().atMost(Duration.ofSeconds(60)).until(() -> inbox(alice).size() == 1);

    CountDownLatch hung = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    scheduler.schedule(() -> {
      hung.countDown();
      awaitQuietly(release);
    }, Instant.now());
    try {
      assertThat(hung.await(10, TimeUnit.SECONDS)).isTrue();
      // Within a second of the first: coalesced, sent by the scheduled flush a second after it.
      readMoved(bob, 0, 2);
      await().atMost(Duration.ofSeconds(6)).until(() -> inbox(alice).size() == 2);
    } finally {
      release.countDown();
    }
  }
}
