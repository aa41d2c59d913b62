package dev.chatsync.message.sweep.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.message.sweep.ChangeKind;
import dev.chatsync.message.sweep.NotedChange;
import dev.chatsync.message.sweep.RecentChanges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
class CassandraRecentChanges implements RecentChanges {

  private static final Logger log = LoggerFactory.getLogger(CassandraRecentChanges.class);

  private final CqlSession session;
  private final PreparedStatement insert;
  private final PreparedStatement select;
  private final Counter unknownKinds;

  CassandraRecentChanges(CqlSession session, MeterRegistry meters) {
    this.session = session;
    insert = session.prepare("INSERT INTO recent_changes (minute, shard, kind, conversation_id, user_id, noted_at) "
        + "VALUES (?, ?, ?, ?, ?, ?) USING TTL " + TTL_SECONDS);
    select = session.prepare("SELECT kind, conversation_id, user_id, noted_at FROM recent_changes WHERE minute = ? AND shard = ?");
    unknownKinds = Counter.builder(SKIPPED_METRIC).tag("reason", "unknown-kind")
        .description("Noted changes the sweeper skipped: this version cannot finish them").register(meters);
  }

  @Override
  public Mono<Void> note(ChangeKind kind, String conversationId, String subject, Instant at) {
    return execute(insert.bind(RecentChanges.minuteOf(at), RecentChanges.shardOf(conversationId, subject), kind.wireName(),
        conversationId, subject, at)).then();
  }

  @Override
  public Flux<NotedChange> in(long minute, int shard) {
    return execute(select.bind(minute, shard)).expand(page -> page.hasMorePages()
            ? Mono.fromCompletionStage(page.fetchNextPage())
            : Mono.empty())
        .concatMapIterable(AsyncResultSet::currentPage)
        .mapNotNull(row -> toChange(minute, row));
  }

  /** The noted change, or null for a kind this version does not know (logged and counted). */
  private NotedChange toChange(long minute, Row row) {
    String conversationId = row.getString("conversation_id");
    // The subject: a user id, or for a message change the message's seq (the V006 migration).
    String subject = row.getString("user_id");
    Optional<ChangeKind> kind = ChangeKind.fromWire(row.getString("kind"));
    if (kind.isEmpty()) {
      unknownKinds.increment();
      log.atWarn().addKeyValue("conversationId", conversationId)
          .log("skipping a change of kind '" + row.getString("kind") + "' noted for " + subject + " in " + conversationId
              + ": this version cannot finish it (an instance of the version that noted it will)");
      return null;
    }
    // A row without its time (never written so): noted at the latest in its minute's last instant.
    Instant notedAt = row.isNull("noted_at") ? Instant.ofEpochSecond((minute + 1) * 60) : row.getInstant("noted_at");
    return new NotedChange(kind.get(), conversationId, subject, notedAt);
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
