package dev.chatsync.sync.channel.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.chatsync.contracts.WatchStamps;
import dev.chatsync.sync.channel.ChannelWatchers;
import java.time.Instant;
import java.util.Map;
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
    insert = session.prepare("INSERT INTO channel_watchers (conversation_id, user_id, watching_since) VALUES (?, ?, ?) "
        + "USING TIMESTAMP ?");
  }

  @Override
  public Mono<Void> watch(String userId, Map<String, Long> servedHeads) {
    Instant now = Instant.now();
    return Flux.fromIterable(servedHeads.entrySet())
        .flatMap(served -> Mono.fromCompletionStage(() -> session.executeAsync(insert.bind(served.getKey(), userId, now,
            WatchStamps.served(served.getValue())))), 8)
        .then();
  }
}
