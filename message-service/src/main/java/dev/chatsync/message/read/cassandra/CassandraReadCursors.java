package dev.chatsync.message.read.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.message.read.ReadCursors;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

@Repository
class CassandraReadCursors implements ReadCursors {

  private static final int ATTEMPTS = 16;

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement advance;
  private final PreparedStatement first;

  CassandraReadCursors(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT read_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
    // Compare-and-set: of two devices reading at once, the further position wins (forward only).
    advance = session.prepare("UPDATE conversation_members SET read_seq = ? WHERE conversation_id = ? AND user_id = ? "
        + "IF read_seq = ?");
    first = session.prepare("UPDATE conversation_members SET read_seq = ? WHERE conversation_id = ? AND user_id = ? "
        + "IF read_seq = null");
  }

  @Override
  public Mono<Boolean> advance(String conversationId, String userId, long upTo) {
    return execute(select.bind(conversationId, userId)).flatMap(result -> {
      Row row = result.one();
      return attempt(conversationId, userId, upTo, row == null || row.isNull("read_seq") ? null : row.getLong("read_seq"), ATTEMPTS);
    });
  }

  private Mono<Boolean> attempt(String conversationId, String userId, long upTo, Long current, int attemptsLeft) {
    if (current != null && current >= upTo) {
      return Mono.just(false);
    }
    if (attemptsLeft == 0) {
      return Mono.error(new IllegalStateException("read position of " + userId + " kept changing"));
    }
    Statement<?> statement = current == null
        ? first.bind(upTo, conversationId, userId)
        : advance.bind(upTo, conversationId, userId, current);
    return execute(statement).flatMap(result -> {
      if (result.wasApplied()) {
        return Mono.just(true);
      }
      Row now = result.one();
      return attempt(conversationId, userId, upTo, now == null || now.isNull("read_seq") ? null : now.getLong("read_seq"),
          attemptsLeft - 1);
    });
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
