package dev.chatsync.fanout.expand.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.fanout.ProgressStamps;
import dev.chatsync.fanout.expand.FanoutProgress;
import org.springframework.stereotype.Repository;

@Repository
class CassandraFanoutProgress implements FanoutProgress {

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement write;

  CassandraFanoutProgress(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT fanned_seq, read_fanout, WRITETIME(fanned_seq) AS written FROM fanout_progress "
        + "WHERE conversation_id = ?");
    // The mode goes with the seq under one timestamp: the furthest write's pair stands.
    write = session.prepare("UPDATE fanout_progress USING TIMESTAMP ? SET fanned_seq = ?, read_fanout = ? WHERE conversation_id = ?");
  }

  @Override
  public Position at(String conversationId) {
    Row row = session.execute(select.bind(conversationId)).one();
    if (row == null || row.isNull("fanned_seq")) {
      return Position.NONE;
    }
    long seq = row.getLong("fanned_seq");
    long written = row.getLong("written");
    // A row written by the clock (before progress was stamped, or by hand) is in the first generation.
    return new Position(seq, written >= ProgressStamps.BASE ? written - seq : ProgressStamps.BASE,
        !row.isNull("read_fanout") && row.getBoolean("read_fanout"));
  }

  @Override
  public Position advance(String conversationId, Position from, long seq, boolean readFanout) {
    Position to = from.to(seq, readFanout);
    session.execute(write.bind(to.timestamp(), seq, readFanout, conversationId));
    return to;
  }

  @Override
  public long rewind(String conversationId, long seq) {
    Position stored = at(conversationId);
    if (stored.seq() <= seq) {
      return stored.seq();
    }
    long timestamp = stored.timestamp() + ProgressStamps.GENERATION;
    session.execute(write.bind(timestamp, seq, stored.readFanout(), conversationId));
    return seq;
  }
}
