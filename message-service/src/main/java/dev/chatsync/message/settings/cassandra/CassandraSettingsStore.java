package dev.chatsync.message.settings.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.message.conversation.Mute;
import dev.chatsync.message.settings.SettingsStore;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** {@code conversations_by_user.muted} and {@code muted_until} (the V008 migration). */
@Repository
class CassandraSettingsStore implements SettingsStore {

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement update;

  CassandraSettingsStore(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT muted, muted_until FROM conversations_by_user WHERE user_id = ? AND conversation_id = ?");
    update = session.prepare("UPDATE conversations_by_user SET muted = ?, muted_until = ? WHERE user_id = ? AND conversation_id = ?");
  }

  @Override
  public Mono<Mute> mute(String userId, String conversationId) {
    return execute(select.bind(userId, conversationId)).map(result -> {
      Row row = result.one();
      return row == null || row.isNull("muted") ? Mute.NONE : new Mute(row.getBoolean("muted"), row.getInstant("muted_until"));
    });
  }

  @Override
  public Mono<Void> mute(String userId, String conversationId, Mute mute) {
    return execute(update.bind(mute.muted(), mute.until(), userId, conversationId)).then();
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
