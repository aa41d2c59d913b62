package dev.chatsync.message.send.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.chatsync.contracts.Memo;
import dev.chatsync.contracts.RecentActivity;
import dev.chatsync.message.send.RecentConversations;
import java.time.Instant;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

@Repository
class CassandraRecentConversations implements RecentConversations {

  private final CqlSession session;
  private final PreparedStatement insert;
  /**
   * The minute each conversation was last marked by this instance. A conversation's row for a
   * minute is one row: once one insert of it succeeded, more in the same minute change nothing the
   * republisher sees (P1), and a busy conversation costs one write a minute, not one a send.
   */
  private final Memo<String, Long> marked = new Memo<>(100_000);

  CassandraRecentConversations(CqlSession session) {
    this.session = session;
    insert = session.prepare("INSERT INTO recent_conversations (minute, shard, conversation_id) VALUES (?, ?, ?) USING TTL "
        + RecentActivity.TTL_SECONDS);
  }

  @Override
  public Mono<Void> touch(String conversationId, Instant at) {
    long minute = RecentActivity.minuteOf(at);
    Long markedMinute = marked.get(conversationId);
    if (markedMinute != null && markedMinute == minute) {
      return Mono.empty();
    }
    return Mono.fromCompletionStage(() -> session.executeAsync(insert.bind(minute, RecentActivity.shardOf(conversationId),
        conversationId))).doOnSuccess(written -> marked.remember(conversationId, minute, Math::max)).then();
  }
}
