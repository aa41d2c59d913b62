package dev.chatsync.message.read.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.read.ReadCursors;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
class CassandraReadCursors implements ReadCursors {

  private static final int ATTEMPTS = 16;
  private static final String KEY = " WHERE conversation_id = ? AND user_id = ?";

  private final CqlSession session;
  private final Clock clock = Clock.systemUTC();
  private final PreparedStatement select;
  private final PreparedStatement advance;
  private final PreparedStatement first;
  private final PreparedStatement adopt;
  private final PreparedStatement markAnnounced;
  private final PreparedStatement selectProgress;
  private final PreparedStatement selectPositions;

  CassandraReadCursors(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT read_seq, announced_read_seq FROM conversation_members" + KEY);
    // Compare-and-set: of two devices reading at once, the further position wins (forward only).
    advance = session.prepare("UPDATE conversation_members SET read_seq = ?" + KEY + " IF read_seq = ?");
    // A first read: nothing is announced yet.
    first = session.prepare("UPDATE conversation_members SET read_seq = ?, announced_read_seq = 0" + KEY + " IF read_seq = null");
    // A row from before announced_read_seq: what the old code read counts as announced.
    adopt = session.prepare("UPDATE conversation_members SET read_seq = ?, announced_read_seq = ?" + KEY
        + " IF read_seq = ? AND announced_read_seq = null");
    markAnnounced = session.prepare("UPDATE conversation_members SET announced_read_seq = ?" + KEY + " IF announced_read_seq = ?");
    selectProgress = session.prepare("SELECT joined_seq, read_seq, announced_read_seq FROM conversation_members" + KEY);
    selectPositions = session.prepare("SELECT user_id, joined_seq, left_seq, read_seq FROM conversation_members "
        + "WHERE conversation_id = ?");
  }

  @Override
  public Mono<Advance> advance(String conversationId, String userId, long upTo, Instant notAfter) {
    return execute(select.bind(conversationId, userId))
        .flatMap(result -> attempt(conversationId, userId, upTo, result.one(), ATTEMPTS, notAfter));
  }

  @Override
  public Mono<Optional<ReadProgress>> progress(String conversationId, String userId) {
    return execute(selectProgress.bind(conversationId, userId))
        .map(result -> Optional.ofNullable(result.one()).map(row -> {
          long read = longOrZero(row, "read_seq");
          long announced = row.isNull("announced_read_seq") ? read : row.getLong("announced_read_seq");
          return new ReadProgress(longOrZero(row, "joined_seq"), read, announced);
        }));
  }

  @Override
  public Mono<Boolean> markAnnounced(String conversationId, String userId, long expected, long upTo) {
    return execute(markAnnounced.bind(upTo, conversationId, userId, expected)).map(AsyncResultSet::wasApplied);
  }

  @Override
  public Flux<MemberPosition> positions(String conversationId) {
    return execute(selectPositions.bind(conversationId)).expand(page -> page.hasMorePages()
            ? Mono.fromCompletionStage(page.fetchNextPage())
            : Mono.empty())
        .concatMapIterable(AsyncResultSet::currentPage)
        .map(row -> new MemberPosition(row.getString("user_id"), longOrZero(row, "joined_seq"),
            row.isNull("left_seq") ? null : row.getLong("left_seq"), longOrZero(row, "read_seq")));
  }

  private Mono<Advance> attempt(String conversationId, String userId, long upTo, Row current, int attemptsLeft,
      Instant notAfter) {
    Long read = current == null || current.isNull("read_seq") ? null : current.getLong("read_seq");
    Long announced = current == null || current.isNull("announced_read_seq") ? null : current.getLong("announced_read_seq");
    if (read != null && read >= upTo) {
      // Not moved: there already, or further. A row from before announced_read_seq counts as announced.
      return Mono.just(new Advance(read, announced == null ? read : announced));
    }
    if (attemptsLeft == 0) {
      return Mono.error(Problems.unavailable("The read position of " + userId + " kept changing; retry."));
    }
    if (clock.instant().isAfter(notAfter)) {
      return Mono.error(Problems.unavailable("The read took too long to start; retry."));
    }
    Statement<?> statement;
    long announcedNow;
    if (read == null) {
      statement = first.bind(upTo, conversationId, userId);
      announcedNow = 0;
    } else if (announced == null) {
      statement = adopt.bind(upTo, read, conversationId, userId, read);
      announcedNow = read;
    } else {
      statement = advance.bind(upTo, conversationId, userId, read);
      announcedNow = announced;
    }
    return execute(statement).flatMap(result -> result.wasApplied()
        ? Mono.just(new Advance(upTo, announcedNow))
        : execute(select.bind(conversationId, userId))
            .flatMap(again -> attempt(conversationId, userId, upTo, again.one(), attemptsLeft - 1, notAfter)));
  }

  private static long longOrZero(Row row, String column) {
    return row.isNull(column) ? 0 : row.getLong(column);
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
