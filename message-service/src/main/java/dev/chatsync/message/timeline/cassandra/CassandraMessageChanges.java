package dev.chatsync.message.timeline.cassandra;

import static dev.chatsync.contracts.StorageTimeline.bucketOf;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageChanges;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Changes write only the columns an append never writes, conditional on message_id and version
 * (the V006 migration says why); the text cells an append wrote are deleted with explicit
 * timestamps above theirs.
 */
@Repository
class CassandraMessageChanges implements MessageChanges {

  private static final String WHERE = " WHERE conversation_id = ? AND bucket = ? AND seq = ?";
  /**
   * The row is still the message that was read, at the version read, and at or below its bucket's
   * head: a row above the head is a stalled send owner's late write, which readers never see and
   * the next message at that seq replaces (only its own columns: a change made to the stale row
   * would pass to that message, P3).
   */
  private static final String IF_UNCHANGED = " IF head_seq >= ? AND message_id = ? AND version = ?";

  private final CqlSession session;
  private final Clock clock = Clock.systemUTC();
  private final PreparedStatement select;
  private final PreparedStatement edit;
  private final PreparedStatement recall;
  private final PreparedStatement selectTextStamps;
  private final PreparedStatement forgetText;
  private final PreparedStatement announced;

  CassandraMessageChanges(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT " + CassandraMessageStore.STATE_COLUMNS + ", announced_version, head_seq "
        + "FROM messages_by_conversation" + WHERE);
    edit = session.prepare("UPDATE messages_by_conversation SET edited_body = ?, edited_at = ?, version = ?" + WHERE
        + IF_UNCHANGED);
    recall = session.prepare("UPDATE messages_by_conversation SET recalled_at = ?, recalled_by = ?, version = ?" + WHERE
        + IF_UNCHANGED);
    selectTextStamps = session.prepare("SELECT WRITETIME(body) AS body_stamp, WRITETIME(edited_body) AS edited_stamp "
        + "FROM messages_by_conversation" + WHERE);
    forgetText = session.prepare("UPDATE messages_by_conversation USING TIMESTAMP ? SET body = null, edited_body = null" + WHERE);
    announced = session.prepare("UPDATE messages_by_conversation SET announced_version = ?" + WHERE);
  }

  @Override
  public Mono<Optional<Stored>> find(String conversationId, long seq, boolean serial) {
    Statement<?> read = select.bind(conversationId, bucketOf(seq), seq);
    if (serial) {
      read = read.setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL);
    }
    return execute(read).map(result -> {
      Row row = result.one();
      // Readers trust rows at or below the head only (see IF_UNCHANGED).
      if (row == null || row.isNull("message_id") || row.isNull("head_seq") || row.getLong("head_seq") < seq) {
        return Optional.empty();
      }
      return Optional.of(new Stored(CassandraMessageStore.toMessage(conversationId, row),
          row.isNull("announced_version") ? 1 : row.getInt("announced_version")));
    });
  }

  @Override
  public Mono<Boolean> edit(Message read, String body, Instant at) {
    return execute(edit.bind(body, at, read.version() + 1, read.conversationId(), bucketOf(read.seq()), read.seq(),
        read.seq(), read.messageId(), storedVersion(read))).map(AsyncResultSet::wasApplied);
  }

  @Override
  public Mono<Boolean> recall(Message read, String by, Instant at) {
    return execute(recall.bind(at, by, read.version() + 1, read.conversationId(), bucketOf(read.seq()), read.seq(),
        read.seq(), read.messageId(), storedVersion(read))).map(AsyncResultSet::wasApplied)
        .flatMap(applied -> applied ? forgetText(read.conversationId(), read.seq()).thenReturn(true) : Mono.just(false));
  }

  @Override
  public Mono<Void> forgetText(String conversationId, long seq) {
    return execute(selectTextStamps.bind(conversationId, bucketOf(seq), seq)).flatMap(result -> {
      Row row = result.one();
      if (row == null || (row.isNull("body_stamp") && row.isNull("edited_stamp"))) {
        return Mono.empty();
      }
      long newest = Math.max(row.isNull("body_stamp") ? 0 : row.getLong("body_stamp"),
          row.isNull("edited_stamp") ? 0 : row.getLong("edited_stamp"));
      long stamp = Math.max(newest + 1, clock.millis() * 1_000);
      return execute(forgetText.bind(stamp, conversationId, bucketOf(seq), seq)).then();
    });
  }

  @Override
  public Mono<Void> announced(String conversationId, long seq, int version) {
    return execute(announced.bind(version, conversationId, bucketOf(seq), seq)).then();
  }

  /** Version 1 is stored as no version at all: a message never changed has no version cell. */
  private static Integer storedVersion(Message read) {
    return read.version() == 1 ? null : read.version();
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
