package dev.chatsync.sync.channel.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.chatsync.sync.channel.ChannelWatchers;
import java.time.Instant;
import java.util.Collection;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code channel_watchers} (the V010 migration). */
@Repository
class CassandraChannelWatchers implements ChannelWatchers {

  private final CqlSession session;
  private final PreparedStatement insert;

  CassandraChannelWatchers(CqlSession session) {
    this.session = session;
    insert = session.prepare("INSERT INTO channel_watchers (conversation_id, user_id, watching_since) VALUES (?, ?, ?)");
  }

  @Override
  public Mono<Void> watch(String userId, Collection<String> conversationIds) {
    Instant now = Instant.now();
    return Flux.fromIterable(conversationIds)
        .flatMap(conversationId -> Mono.fromCompletionStage(() -> session.executeAsync(insert.bind(conversationId, userId, now))), 8)
        .then();
  }
}
