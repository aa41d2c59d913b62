package dev.chatsync.fanout.inbox.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.fanout.FanoutProperties;
import dev.chatsync.fanout.inbox.Arrival;
import dev.chatsync.fanout.inbox.PlannedEntry;
import java.util.List;
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
    CassandraInboxStore stalled = new CassandraInboxStore(cql, properties);
    CassandraInboxStore current = new CassandraInboxStore(cql, properties);
    stalled.append(user, List.of(message(1, 0))).toCompletableFuture().join();
    // The partition moved: the new owner writes seq 2 while the old one still believes the head is 1.
    current.append(user, List.of(message(1, 0), message(2, 1))).toCompletableFuture().join();

    // The old owner wakes and finishes its poll (messages 2 and 3): nothing at seq 2 is replaced.
    var head = stalled.append(user, List.of(message(2, 1), message(3, 2))).toCompletableFuture().join();

    assertThat(head).hasValue(3);
    assertThat(inbox()).extracting(row -> row.getLong("inbox_seq"), row -> row.getLong("conversation_seq"))
        .containsExactly(tuple(1L, 1L), tuple(2L, 2L), tuple(3L, 3L));
    Row state = cql.execute("SELECT head_seq, applied FROM inbox_state WHERE user_id = ?", user).one();
    assertThat(state.getLong("head_seq")).isEqualTo(3);
    assertThat(state.getMap("applied", String.class, Long.class)).containsEntry(conversation, 3L);
  }

  @Test
  void aLateWriteOfAWriterThatFellBehindItsSuccessorMovesNothingBack() {
    CassandraInboxStore stalled = new CassandraInboxStore(cql, properties);
    CassandraInboxStore current = new CassandraInboxStore(cql, properties);
    stalled.append(user, List.of(message(1, 0))).toCompletableFuture().join();
    current.append(user, List.of(message(1, 0), message(2, 1), message(3, 2), message(4, 3))).toCompletableFuture().join();

    // The old owner wakes with only message 2 of its poll left: its write lands after the newer ones.
    stalled.append(user, List.of(message(2, 1))).toCompletableFuture().join();

    assertThat(inbox()).extracting(row -> row.getLong("inbox_seq"), row -> row.getLong("conversation_seq"))
        .containsExactly(tuple(1L, 1L), tuple(2L, 2L), tuple(3L, 3L), tuple(4L, 4L));
    Row state = cql.execute("SELECT head_seq, applied FROM inbox_state WHERE user_id = ?", user).one();
    assertThat(state.getLong("head_seq")).isEqualTo(4);
    assertThat(state.getMap("applied", String.class, Long.class)).containsEntry(conversation, 4L);
  }

  @Test
  void aMarkReadFromAnotherWritersFurtherStateIsNotPlannedWithAnOlderHead() {
    CassandraInboxStore stalled = new CassandraInboxStore(cql, properties);
    CassandraInboxStore current = new CassandraInboxStore(cql, properties);
    String other = "other-" + suffix;
    stalled.append(user, List.of(message(1, 0))).toCompletableFuture().join();
    // The successor writes two messages of a conversation the stalled owner has not seen yet.
    current.append(user, List.of(message(1, 0), message(other, 1, 1), message(other, 2, 2))).toCompletableFuture().join();

    // The stalled owner wakes with the same records and one more: its memory says head 1 and knows
    // nothing of the other conversation, whose mark in the store belongs to head 3.
    var head = stalled.append(user, List.of(message(other, 1, 1), message(other, 2, 2), message(other, 3, 3)))
        .toCompletableFuture().join();

    assertThat(head).hasValue(4);
    assertThat(inbox()).extracting(row -> row.getLong("inbox_seq"), row -> row.getString("conversation_id"),
            row -> row.getLong("conversation_seq"))
        .containsExactly(tuple(1L, conversation, 1L), tuple(2L, other, 1L), tuple(3L, other, 2L), tuple(4L, other, 3L));
  }

  @Test
  void entriesAWriterAllocatedButNeverWroteAreWrittenByTheNextOneBeforeAnythingElse() {
    // A writer's compare-and-set went through (seqs 1-2 allocated, progress moved), then it died
    // before writing the entries: a hole a device's page stops at.
    List<PlannedEntry> pending = List.of(new PlannedEntry(1, message(1, 0).entry()), new PlannedEntry(2, message(2, 1).entry()));
    cql.execute("UPDATE inbox_state SET head_seq = 2, applied = {'" + conversation + "': 2}, planned_at = ?, pending = ? "
        + "WHERE user_id = ?", System.currentTimeMillis() * 1000, JsonMapper.builder().build().writeValueAsString(pending), user);
    assertThat(inbox()).isEmpty();

    // The next owner gets the redelivered records and a new one.
    var head = new CassandraInboxStore(cql, properties)
        .append(user, List.of(message(1, 0), message(2, 1), message(3, 2))).toCompletableFuture().join();

    assertThat(head).hasValue(3);
    assertThat(inbox()).extracting(row -> row.getLong("conversation_seq")).containsExactly(1L, 2L, 3L);
  }

  @Test
  void anInboxWhoseStateWasLostStartsAboveEverySeqItEverHad() {
    CassandraInboxStore store = new CassandraInboxStore(cql, properties);
    store.append(user, List.of(message(1, 0), message(2, 1))).toCompletableFuture().join();
    // Lost, as a node loses data: no tombstone (the state's writes are stamped far above the clock,
    // so a plain DELETE would not remove them; the other tests' inboxes go too, which they survive).
    cql.execute("TRUNCATE inbox_state");
    cql.execute("TRUNCATE inbox_by_user");

    var head = new CassandraInboxStore(cql, properties).append(user, List.of(message(3, 2))).toCompletableFuture().join();

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
