package dev.chatsync.fanout.republish.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.chatsync.fanout.republish.RecentConversations;
import java.util.List;
import java.util.stream.StreamSupport;
import org.springframework.stereotype.Repository;

@Repository
class CassandraRecentConversations implements RecentConversations {

  private final CqlSession session;
  private final PreparedStatement select;

  CassandraRecentConversations(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT conversation_id FROM recent_conversations WHERE minute = ? AND shard = ?");
  }

  @Override
  public List<String> in(long minute, int shard) {
    return StreamSupport.stream(session.execute(select.bind(minute, shard)).spliterator(), false)
        .map(row -> row.getString("conversation_id"))
        .toList();
  }
}
