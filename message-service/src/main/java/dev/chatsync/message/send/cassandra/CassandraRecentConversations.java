package dev.chatsync.message.send.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.chatsync.contracts.RecentActivity;
import dev.chatsync.message.send.RecentConversations;
import java.time.Instant;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

@Repository
class CassandraRecentConversations implements RecentConversations {

  private final CqlSession session;
  private final PreparedStatement insert;

  CassandraRecentConversations(CqlSession session) {
    this.session = session;
    insert = session.prepare("INSERT INTO recent_conversations (minute, shard, conversation_id) VALUES (?, ?, ?) USING TTL "
        + RecentActivity.TTL_SECONDS);
  }

  @Override
  public Mono<Void> touch(String conversationId, Instant at) {
    return Mono.fromCompletionStage(() -> session.executeAsync(insert.bind(RecentActivity.minuteOf(at),
        RecentActivity.shardOf(conversationId), conversationId))).then();
  }
}
