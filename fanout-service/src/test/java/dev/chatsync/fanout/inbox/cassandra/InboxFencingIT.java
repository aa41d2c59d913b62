package dev.chatsync.fanout.inbox.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.Memo;
import dev.chatsync.fanout.ProgressStamps;
import dev.chatsync.fanout.FanoutProperties;
import dev.chatsync.fanout.inbox.Arrival;
import dev.chatsync.fanout.inbox.InboxState;
import dev.chatsync.fanout.inbox.PlannedEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two stage-2 writers of one inbox at once, as after a rebalance that a stalled owner slept
 * through: each store instance plays one owner, with what it last saw of the inbox in memory, and
 * both go over the same records of the user's partition, as they do in Kafka.
 */
@SpringBootTest(properties = {"spring.kafka.listener.auto-startup=false", "chat.fanout.republish-interval=1h"})
class InboxFencingIT {

  @Autowired CqlSession cql;
  @Autowired FanoutProperties properties;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String user = "user-" + suffix;
  private final String conversation = "conv-" + suffix;

  @Test
  void aWriterThatMissedAnotherOnesWritesWritesWhatItWroteAndMovesNothingBack() {
    Writer stalled = new Writer();
    Writer current = new Writer();
    stalled.append(message(1, 0));
    // The partition moved: the new owner writes seq 2 while the old one still believes the head is 1.
    current.append(message(1, 0), message(2, 1));

    // The old owner wakes and finishes its poll (messages 2 and 3): nothing at seq 2 is replaced.
    var head = stalled.append(message(2, 1), message(3, 2));

    assertThat(head).hasValue(3);
    assertThat(inbox()).extracting(row -> row.getLong("inbox_seq"), row -> row.getLong("conversation_seq"))
        .containsExactly(tuple(1L, 1L), tuple(2L, 2L), tuple(3L, 3L));
    Row state = cql.execute("SELECT head_seq, applied FROM inbox_state WHERE user_id = ?", user).one();
    assertThat(state.getLong("head_seq")).isEqualTo(3);
    assertThat(state.getMap("applied", String.class, Long.class)).containsEntry(conversation, 3L);
  }

  @Test
  void aLateWriteOfAWriterThatFellBehindItsSuccessorMovesNothingBack() {
    Writer stalled = new Writer();
    Writer current = new Writer();
    stalled.append(message(1, 0));
    current.append(message(1, 0), message(2, 1), message(3, 2), message(4, 3));

    // The old owner wakes with only message 2 of its poll left: its write lands after the newer ones.
    stalled.append(message(2, 1));

    assertThat(inbox()).extracting(row -> row.getLong("inbox_seq"), row -> row.getLong("conversation_seq"))
        .containsExactly(tuple(1L, 1L), tuple(2L, 2L), tuple(3L, 3L), tuple(4L, 4L));
    Row state = cql.execute("SELECT head_seq, applied FROM inbox_state WHERE user_id = ?", user).one();
    assertThat(state.getLong("head_seq")).isEqualTo(4);
    assertThat(state.getMap("applied", String.class, Long.class)).containsEntry(conversation, 4L);
  }

  @Test
  void aMarkReadFromAnotherWritersFurtherStateIsNotPlannedWithAnOlderHead() {
    Writer stalled = new Writer();
    Writer current = new Writer();
    String other = "other-" + suffix;
    stalled.append(message(1, 0));
    // The successor writes two messages of a conversation the stalled owner has not seen yet.
    current.append(message(1, 0), message(other, 1, 1), message(other, 2, 2));

    // The stalled owner wakes with the same records and one more: its memory says head 1 and knows
    // nothing of the other conversation, whose mark in the store belongs to head 3.
    var head = stalled.append(message(other, 1, 1), message(other, 2, 2), message(other, 3, 3));

    assertThat(head).hasValue(4);
    assertThat(inbox()).extracting(row -> row.getLong("inbox_seq"), row -> row.getString("conversation_id"),
            row -> row.getLong("conversation_seq"))
        .containsExactly(tuple(1L, conversation, 1L), tuple(2L, other, 1L), tuple(3L, other, 2L), tuple(4L, other, 3L));
  }

  @Test
  void twoWritersOfANewInboxStartOneHistoryNotTwo() {
    // The stalled owner read no state and raised the user's reservation for its first entries,
    // then stalled; its successor reads no state either, but the raised reservation.
    Writer stalled = new Writer();
    stalled.known.remember(user, InboxState.fresh(0), (old, now) -> now);
    cql.execute("UPDATE inbox_reservations SET reserved = ? WHERE user_id = ?", InboxReservations.BLOCK, user);
    var first = new Writer().append(message(1, 0), message(2, 1));

    var late = stalled.append(message(1, 0), message(2, 1));

    assertThat(first).hasValue(InboxReservations.BLOCK + 2);
    assertThat(late).isEmpty();
    assertThat(inbox()).extracting(row -> row.getLong("inbox_seq"))
        .containsExactly(InboxReservations.BLOCK + 1, InboxReservations.BLOCK + 2);
  }

  @Test
  void aRebuildStandsAgainstAWriterThatStalledThroughIt() {
    // An inbox near the end of its reserved block, and an owner that planned on it before it stalled.
    long head = InboxReservations.BLOCK - 2;
    cql.execute("UPDATE inbox_reservations SET reserved = ? WHERE user_id = ?", InboxReservations.BLOCK, user);
    cql.execute("UPDATE inbox_state USING TIMESTAMP ? SET head_seq = ?, base = 0, reserved = ?, applied = {'" + conversation
        + "': 2} WHERE user_id = ?", ProgressStamps.of(head), head, InboxReservations.BLOCK, user);
    Writer stalled = new Writer();
    stalled.known.remember(user, new InboxState(true, head, 0, InboxReservations.BLOCK, System.currentTimeMillis() * 1000,
        Map.of(), Map.of(conversation, 2L), List.of(), 0), (old, now) -> now);

    long base = new CassandraInboxStore(cql, properties, new SimpleMeterRegistry()).startGeneration(user, 0).toCompletableFuture().join();
    // It wakes and writes a poll that takes it past the old reservation.
    stalled.append(message(3, 2), message(4, 3), message(5, 4), message(6, 5));

    Row state = cql.execute("SELECT head_seq, base, applied FROM inbox_state WHERE user_id = ?", user).one();
    assertThat(state.getLong("base")).isEqualTo(base);
    assertThat(state.getLong("head_seq")).isEqualTo(base);
    assertThat(state.getMap("applied", String.class, Long.class)).isEmpty();
  }

  @Test
  void entriesAWriterAllocatedButNeverWroteAreWrittenByTheNextOneBeforeAnythingElse() {
    // A writer's state write went through (seqs 1-2 allocated, progress moved), then it died
    // before writing the entries: a hole a device's page stops at.
    List<PlannedEntry> pending = List.of(new PlannedEntry(1, message(1, 0).entry()), new PlannedEntry(2, message(2, 1).entry()));
    cql.execute("UPDATE inbox_state SET head_seq = 2, applied = {'" + conversation + "': 2}, planned_at = ?, pending = ? "
        + "WHERE user_id = ?", System.currentTimeMillis() * 1000, JsonMapper.builder().build().writeValueAsString(pending), user);
    assertThat(inbox()).isEmpty();

    // The next owner gets the redelivered records and a new one.
    var head = new Writer().append(message(1, 0), message(2, 1), message(3, 2));

    assertThat(head).hasValue(3);
    assertThat(inbox()).extracting(row -> row.getLong("conversation_seq")).containsExactly(1L, 2L, 3L);
  }

  @Test
  void anInboxWhoseStateWasLostStartsAboveEverySeqItEverHad() {
    Writer store = new Writer();
    store.append(message(1, 0), message(2, 1));
    // Lost, as a node loses data: no tombstone (the state's writes are stamped far above the clock,
    // so a plain DELETE would not remove them; the other tests' inboxes go too, which they survive).
    cql.execute("TRUNCATE inbox_state");
    cql.execute("TRUNCATE inbox_by_user");

    var head = new Writer().append(message(3, 2));

    assertThat(head.getAsLong()).isGreaterThan(InboxReservations.BLOCK);
    Row state = cql.execute("SELECT base, head_seq FROM inbox_state WHERE user_id = ?", user).one();
    assertThat(state.getLong("base")).isEqualTo(head.getAsLong() - 1);
  }

  @Test
  void aLateWriteOfAnOlderListPositionLosesToANewerOne() {
    ConversationListUpdates updates = new ConversationListUpdates(cql.prepare(ConversationListUpdates.DELIVERED),
        cql.prepare(ConversationListUpdates.DELIVERED_OWN), cql.prepare(ConversationListUpdates.READ));
    long earlier = System.currentTimeMillis() * 1000;
    List<PlannedEntry> newer = List.of(new PlannedEntry(9, message(9, 0).entry()));
    List<PlannedEntry> older = List.of(new PlannedEntry(5, message(5, 0).entry()));

    updates.of(user, newer, earlier + 10).forEach(cql::execute);
    updates.of(user, older, earlier).forEach(cql::execute);

    assertThat(cql.execute("SELECT last_seq FROM conversations_by_user WHERE user_id = ? AND conversation_id = ?", user,
        conversation).one().getLong("last_seq")).isEqualTo(9);
  }

  /** One stage-2 owner: the store, and what it remembers of the inboxes of its partition. */
  private final class Writer {
    final CassandraInboxStore store = new CassandraInboxStore(cql, properties, new SimpleMeterRegistry());
    final Memo<String, InboxState> known = new Memo<>(100);

    OptionalLong append(Arrival... arrivals) {
      return store.append(user, List.of(arrivals), known).toCompletableFuture().join();
    }
  }

  private Arrival message(long seq, long offset) {
    return message(conversation, seq, offset);
  }

  private Arrival message(String conversationId, long seq, long offset) {
    return new Arrival(InboxAppend.message(user, conversationId, seq, conversationId + "-" + seq, "alice", 1_000 * seq), offset);
  }

  private List<Row> inbox() {
    return cql.execute("SELECT inbox_seq, conversation_id, conversation_seq FROM inbox_by_user WHERE user_id = ?", user).all();
  }

}
