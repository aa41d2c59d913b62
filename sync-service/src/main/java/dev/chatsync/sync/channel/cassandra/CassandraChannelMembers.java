package dev.chatsync.sync.channel.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.sync.channel.ChannelMembers;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads {@code conversations_by_user} and {@code conversation_members}, which message-service writes. */
@Repository
class CassandraChannelMembers implements ChannelMembers {

  /** Users one member read names (an IN on the clustering key of one partition). */
  private static final int AT_ONCE = 100;

  private final CqlSession session;
  private final PreparedStatement listed;
  private final PreparedStatement among;

  CassandraChannelMembers(CqlSession session) {
    this.session = session;
    listed = session.prepare("SELECT conversation_id, left_seq FROM conversations_by_user WHERE user_id = ?");
    among = session.prepare("SELECT user_id, joined_seq, left_seq FROM conversation_members WHERE conversation_id = ? AND user_id IN ?");
  }

  /** The first page only (the driver's page size, 5,000 conversations): P7 for a user in very many. */
  @Override
  public Mono<List<String>> conversationsOf(String userId) {
    return Mono.fromCompletionStage(() -> session.executeAsync(listed.bind(userId)))
        .map(result -> StreamSupport.stream(result.currentPage().spliterator(), false)
            .filter(row -> row.isNull("left_seq"))
            .map(row -> row.getString("conversation_id"))
            .toList());
  }

  @Override
  public Mono<Map<String, Long>> currentAmong(String conversationId, Collection<String> userIds) {
    List<String> all = List.copyOf(userIds);
    return Flux.range(0, (all.size() + AT_ONCE - 1) / AT_ONCE)
        .map(chunk -> all.subList(chunk * AT_ONCE, Math.min(all.size(), (chunk + 1) * AT_ONCE)))
        .flatMap(some -> Mono.fromCompletionStage(() -> session.executeAsync(among.bind(conversationId, some))), 4)
        .flatMapIterable(result -> result.currentPage())
        .filter(row -> row.isNull("left_seq"))
        .<Map<String, Long>>collect(HashMap::new, (joined, row) -> joined.put(row.getString("user_id"), joinedSeq(row)));
  }

  private static long joinedSeq(Row row) {
    return row.isNull("joined_seq") ? 0 : row.getLong("joined_seq");
  }
}
