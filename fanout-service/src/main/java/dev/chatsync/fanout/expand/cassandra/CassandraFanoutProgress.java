package dev.chatsync.fanout.expand.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.fanout.ProgressStamps;
import dev.chatsync.fanout.expand.FanoutProgress;
import java.time.Instant;
import org.springframework.stereotype.Repository;

@Repository
class CassandraFanoutProgress implements FanoutProgress {

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement write;
  private final PreparedStatement selectToldEveryone;
  private final PreparedStatement writeToldEveryone;
  private final PreparedStatement selectPause;
  private final PreparedStatement writeNextRound;
  private final PreparedStatement writeLiveSeq;

  CassandraFanoutProgress(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT fanned_seq, read_fanout, WRITETIME(fanned_seq) AS written FROM fanout_progress "
        + "WHERE conversation_id = ?");
    // The mode goes with the seq under one timestamp: the furthest write's pair stands.
    write = session.prepare("UPDATE fanout_progress USING TIMESTAMP ? SET fanned_seq = ?, read_fanout = ? WHERE conversation_id = ?");
    selectToldEveryone = session.prepare("SELECT told_everyone_at FROM fanout_progress WHERE conversation_id = ?");
    // Plain, by the clock: a time that is off by a stalled writer's late write only makes the next
    // round tell everyone a little earlier or later.
    writeToldEveryone = session.prepare("UPDATE fanout_progress SET told_everyone_at = ? WHERE conversation_id = ?");
    selectPause = session.prepare("SELECT next_round_at, live_seq FROM fanout_progress WHERE conversation_id = ?");
    writeNextRound = session.prepare("UPDATE fanout_progress SET next_round_at = ? WHERE conversation_id = ?");
    // Stamped with the seq: the furthest published stands whatever order writes land in.
    writeLiveSeq = session.prepare("UPDATE fanout_progress USING TIMESTAMP ? SET live_seq = ? WHERE conversation_id = ?");
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
  public Instant toldEveryoneAt(String conversationId) {
    Row row = session.execute(selectToldEveryone.bind(conversationId)).one();
    return row == null ? null : row.getInstant("told_everyone_at");
  }

  @Override
  public void toldEveryone(String conversationId, Instant at) {
    session.execute(writeToldEveryone.bind(at, conversationId));
  }

  @Override
  public Pause pause(String conversationId) {
    Row row = session.execute(selectPause.bind(conversationId)).one();
    return row == null ? new Pause(null, 0)
        : new Pause(row.getInstant("next_round_at"), row.isNull("live_seq") ? 0 : row.getLong("live_seq"));
  }

  @Override
  public void nextRound(String conversationId, Instant at) {
    session.execute(writeNextRound.bind(at, conversationId));
  }

  @Override
  public void publishedLive(String conversationId, long seq) {
    session.execute(writeLiveSeq.bind(ProgressStamps.of(seq), seq, conversationId));
  }

  @Override
  public long rewind(String conversationId, long seq) {
    Position stored = at(conversationId);
    if (stored.seq() <= seq && !stored.readFanout()) {
      return stored.seq();
    }
    // A large group whose progress is not past seq is still set back to write fanout's mode (P8).
    long to = Math.min(stored.seq(), seq);
    long timestamp = stored.timestamp() + ProgressStamps.GENERATION;
    // As if written by write fanout: the next round of a large group tells every member again, as a
    // recovery that rebuilds lost inboxes needs (P8); a small group's entries are expanded again.
    session.execute(write.bind(timestamp, to, false, conversationId));
    return to;
  }
}
