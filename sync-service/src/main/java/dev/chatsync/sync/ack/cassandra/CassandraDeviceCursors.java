package dev.chatsync.sync.ack.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.sync.ack.DeviceCursors;
import java.time.Instant;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

@Repository
class CassandraDeviceCursors implements DeviceCursors {

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement upsert;

  CassandraDeviceCursors(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT acked_seq FROM device_cursors WHERE user_id = ? AND device_id = ?");
    upsert = session.prepare("UPDATE device_cursors SET acked_seq = ?, updated_at = ? WHERE user_id = ? AND device_id = ?");
  }

  /**
   * Read, then write if further. Two requests of one device racing could leave the smaller of two
   * new values: a cursor slightly behind only re-sends entries the device drops by their seq.
   */
  @Override
  public Mono<Void> acknowledge(String userId, String deviceId, long upTo) {
    return cursor(userId, deviceId).flatMap(current -> current >= upTo
        ? Mono.<Void>empty()
        : execute(upsert.bind(upTo, Instant.now(), userId, deviceId)).then());
  }

  @Override
  public Mono<Long> cursor(String userId, String deviceId) {
    return execute(select.bind(userId, deviceId)).map(result -> {
      Row row = result.one();
      return row == null || row.isNull("acked_seq") ? 0L : row.getLong("acked_seq");
    });
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
