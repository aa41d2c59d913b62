package dev.chatsync.message.member.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.message.member.FanoutProgress;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Reads fanout-service's {@code fanout_progress} (V001); never writes it. */
@Repository
class CassandraFanoutProgress implements FanoutProgress {

  private final CqlSession session;
  private final PreparedStatement select;

  CassandraFanoutProgress(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT fanned_seq FROM fanout_progress WHERE conversation_id = ?");
  }

  @Override
  public Mono<Long> fanned(String conversationId) {
    return Mono.fromCompletionStage(() -> session.executeAsync(select.bind(conversationId))).map(result -> {
      Row row = result.one();
      return row == null || row.isNull("fanned_seq") ? 0L : row.getLong("fanned_seq");
    });
  }
}
