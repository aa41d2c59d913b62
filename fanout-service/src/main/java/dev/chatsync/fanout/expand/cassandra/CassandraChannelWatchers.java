package dev.chatsync.fanout.expand.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.chatsync.contracts.WatchStamps;
import dev.chatsync.fanout.expand.ChannelWatchers;
import java.util.List;
import java.util.stream.StreamSupport;
import org.springframework.stereotype.Repository;

/** {@code channel_watchers} (the V010 migration). */
@Repository
class CassandraChannelWatchers implements ChannelWatchers {

  /** Deletes per unlogged batch: all of one partition, so one mutation each. */
  private static final int BATCH = 200;

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement delete;

  CassandraChannelWatchers(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT user_id, WRITETIME(watching_since) AS written FROM channel_watchers WHERE conversation_id = ?");
    delete = session.prepare("DELETE FROM channel_watchers USING TIMESTAMP ? WHERE conversation_id = ? AND user_id = ?");
  }

  @Override
  public List<Watcher> of(String conversationId) {
    return StreamSupport.stream(session.execute(select.bind(conversationId)).spliterator(), false)
        .map(row -> new Watcher(row.getString("user_id"), WatchStamps.servedHead(row.getLong("written"))))
        .toList();
  }

  @Override
  public void told(String conversationId, List<Watcher> watchers, long head) {
    for (int from = 0; from < watchers.size(); from += BATCH) {
      BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
      for (Watcher watcher : watchers.subList(from, Math.min(watchers.size(), from + BATCH))) {
        batch = batch.add(delete.bind(WatchStamps.told(head), conversationId, watcher.userId()));
      }
      session.execute(batch);
    }
  }
}
