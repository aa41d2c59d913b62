package dev.chatsync.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.MessageChanged;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.TopicProducer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Edits and recalls through the fanout on the real broker and node: chat.message-changes in, one
 * message-updated entry per member and version out, after the member's entry for the message.
 */
@FanoutIntegrationTest
class ChangeFanoutIT extends FanoutITSupport {

  private static final Duration DELIVERY = Duration.ofSeconds(60);

  @Test
  void aChangeReachesEveryCurrentMemberOnceAfterTheMessageItself() {
    String carol = carol();
    String gone = "gone-" + suffix;
    addMember(alice, 0);
    addMember(bob, 0);
    addMember(carol, 0);
    cql.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, left_seq) VALUES (?, ?, 0, 1)",
        conversationId, gone);
    appendToTimeline(1);
    appendToTimeline(2);

    // The change comes before stage 1 has expanded its message: it waits for it (P3).
    change(1, 2, MessageChanged.EDITED);
    announce(2);

    await().atMost(DELIVERY).until(() -> updates(bob).size() == 1);
    assertThat(inbox(bob)).extracting(row -> row.getString("kind"), row -> row.getLong("conversation_seq"))
        .containsExactly(tuple("message", 1L), tuple("message", 2L), tuple("message-updated", 1L));
    assertThat(updates(bob)).extracting(row -> row.getInt("version"), row -> row.getString("change"),
        row -> row.getList("actors", String.class)).containsExactly(tuple(2, "edited", List.of(alice)));
    // The sender's other devices learn of it too; a member removed since gets nothing more (P6).
    await().atMost(DELIVERY).until(() -> updates(alice).size() == 1 && updates(carol).size() == 1);
    assertThat(inbox(gone)).extracting(row -> row.getString("kind")).containsExactly("message");
  }

  /** P2, P8: a change announced twice, a replay, and an older version after a newer one add nothing. */
  @Test
  void repeatedAndStaleChangesAddNoEntries() {
    addMember(alice, 0);
    addMember(bob, 0);
    appendToTimeline(1);
    appendToTimeline(2);
    announce(2);
    change(1, 2, MessageChanged.EDITED);
    change(1, 3, MessageChanged.RECALLED);
    await().atMost(DELIVERY).until(() -> updates(bob).size() == 2);

    change(1, 2, MessageChanged.EDITED);
    change(1, 3, MessageChanged.RECALLED);
    change(1, 3, MessageChanged.RECALLED);
    // Done when this lands: the changes of a conversation are handled in order, and so are bob's entries.
    change(2, 2, MessageChanged.EDITED);

    await().atMost(DELIVERY).until(() -> updates(bob).size() == 3);
    assertThat(updates(bob)).extracting(row -> row.getLong("conversation_seq"), row -> row.getInt("version"),
        row -> row.getString("change")).containsExactly(tuple(1L, 2, "edited"), tuple(1L, 3, "recalled"), tuple(2L, 2, "edited"));
  }

  private void change(long seq, int version, String change) {
    new TopicProducer<>(Topics.MESSAGE_CHANGED, kafka).send(new MessageChanged(conversationId, seq, "msg-" + seq, alice, version,
        change, alice, Instant.now().toEpochMilli())).join();
  }

  private List<Row> updates(String userId) {
    return cql.execute("SELECT conversation_seq, version, change, actors FROM inbox_by_user WHERE user_id = ?", userId).all()
        .stream().filter(row -> !row.isNull("version")).toList();
  }
}
