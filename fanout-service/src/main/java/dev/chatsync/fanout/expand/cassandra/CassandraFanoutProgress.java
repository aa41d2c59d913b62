package dev.chatsync.fanout.expand.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.fanout.expand.FanoutProgress;
import org.springframework.stereotype.Repository;

@Repository
class CassandraFanoutProgress implements FanoutProgress {

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement advance;

  CassandraFanoutProgress(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT fanned_seq FROM fanout_progress WHERE conversation_id = ?");
    advance = session.prepare("UPDATE fanout_progress SET fanned_seq = ? WHERE conversation_id = ? IF fanned_seq = ?");
  }

  @Override
  public long fanned(String conversationId) {
    return fanned(session.execute(select.bind(conversationId)).one());
  }

  @Override
  public long advance(String conversationId, long expected, long seq) {
    // No progress is stored as no row (or a null); a recovery may have stored 0.
    ResultSet result = session.execute(advance.bind(seq, conversationId, expected == 0 ? null : expected));
    if (!result.wasApplied() && expected == 0 && fanned(result.one()) == 0) {
      result = session.execute(advance.bind(seq, conversationId, 0L));
    }
    return result.wasApplied() ? seq : fanned(result.one());
  }

  private static long fanned(Row row) {
    return row == null || row.isNull("fanned_seq") ? 0 : row.getLong("fanned_seq");
  }

}
