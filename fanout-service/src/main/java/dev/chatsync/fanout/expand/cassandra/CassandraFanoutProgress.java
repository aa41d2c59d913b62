package dev.chatsync.fanout.expand.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.fanout.expand.FanoutProgress;
import org.springframework.stereotype.Repository;

@Repository
class CassandraFanoutProgress implements FanoutProgress {

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement update;

  CassandraFanoutProgress(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT fanned_seq FROM fanout_progress WHERE conversation_id = ?");
    update = session.prepare("UPDATE fanout_progress SET fanned_seq = ? WHERE conversation_id = ?");
  }

  @Override
  public long fanned(String conversationId) {
    Row row = session.execute(select.bind(conversationId)).one();
    return row == null || row.isNull("fanned_seq") ? 0 : row.getLong("fanned_seq");
  }

  @Override
  public void advance(String conversationId, long seq) {
    session.execute(update.bind(seq, conversationId));
  }
}
