package dev.chatsync.message.read.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.message.read.ReadCursors;
import java.util.List;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

@Repository
class CassandraReadCursors implements ReadCursors {

  private static final int ATTEMPTS = 16;

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement advance;
  private final PreparedStatement first;
  private final PreparedStatement selectPositions;

  CassandraReadCursors(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT read_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
    // Compare-and-set: of two devices reading at once, the further position wins (forward only).
    advance = session.prepare("UPDATE conversation_members SET read_seq = ? WHERE conversation_id = ? AND user_id = ? "
        + "IF read_seq = ?");
    first = session.prepare("UPDATE conversation_members SET read_seq = ? WHERE conversation_id = ? AND user_id = ? "
        + "IF read_seq = null");
    selectPositions = session.prepare("SELECT user_id, joined_seq, left_seq, read_seq FROM conversation_members "
        + "WHERE conversation_id = ?");
  }

  @Override
  public Mono<Long> advance(String conversationId, String userId, long upTo) {
    return execute(select.bind(conversationId, userId))
        .flatMap(result -> attempt(conversationId, userId, upTo, readSeq(result.one()), ATTEMPTS));
  }

  @Override
  public Mono<List<MemberPosition>> positions(String conversationId) {
    return execute(selectPositions.bind(conversationId)).expand(page -> page.hasMorePages()
            ? Mono.fromCompletionStage(page.fetchNextPage())
            : Mono.empty())
        .concatMapIterable(AsyncResultSet::currentPage)
        .map(row -> new MemberPosition(row.getString("user_id"), row.isNull("joined_seq") ? 0 : row.getLong("joined_seq"),
            row.isNull("left_seq") ? null : row.getLong("left_seq"), row.isNull("read_seq") ? 0 : row.getLong("read_seq")))
        .collectList();
  }

  private Mono<Long> attempt(String conversationId, String userId, long upTo, Long current, int attemptsLeft) {
    if (current != null && current >= upTo) {
      return Mono.just(upTo);
    }
    if (attemptsLeft == 0) {
      return Mono.error(new IllegalStateException("read position of " + userId + " kept changing"));
    }
    Statement<?> statement = current == null
        ? first.bind(upTo, conversationId, userId)
        : advance.bind(upTo, conversationId, userId, current);
    return execute(statement).flatMap(result -> result.wasApplied()
        ? Mono.just(current == null ? 0L : current)
        : attempt(conversationId, userId, upTo, readSeq(result.one()), attemptsLeft - 1));
  }

  private static Long readSeq(Row row) {
    return row == null || row.isNull("read_seq") ? null : row.getLong("read_seq");
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
