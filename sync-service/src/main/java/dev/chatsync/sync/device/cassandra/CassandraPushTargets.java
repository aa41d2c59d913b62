package dev.chatsync.sync.device.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.chatsync.sync.device.PushTarget;
import dev.chatsync.sync.device.PushTargets;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** {@code push_targets} (the V009 migration). */
@Repository
class CassandraPushTargets implements PushTargets {

  private final CqlSession session;
  private final PreparedStatement register;
  private final PreparedStatement remove;
  private final PreparedStatement devices;

  CassandraPushTargets(CqlSession session) {
    this.session = session;
    // Every column written, the disabled ones cleared: a registration replaces the target whole.
    register = session.prepare("INSERT INTO push_targets (user_id, device_id, provider, device_token, endpoint, registered_at, "
        + "disabled_at, disabled_why) VALUES (?, ?, ?, ?, ?, ?, null, null)");
    remove = session.prepare("DELETE FROM push_targets WHERE user_id = ? AND device_id = ?");
    devices = session.prepare("SELECT device_id FROM push_targets WHERE user_id = ? LIMIT ?");
  }

  @Override
  public Mono<Void> register(String userId, String deviceId, PushTarget target) {
    return Mono.fromCompletionStage(() -> session.executeAsync(register.bind(userId, deviceId, target.provider(), target.token(),
        target.endpoint(), Instant.now()))).then();
  }

  @Override
  public Mono<List<String>> devices(String userId, int limit) {
    return Mono.fromCompletionStage(() -> session.executeAsync(devices.bind(userId, limit)))
        .map(result -> StreamSupport.stream(result.currentPage().spliterator(), false).map(row -> row.getString("device_id")).toList());
  }

  @Override
  public Mono<Void> remove(String userId, String deviceId) {
    return Mono.fromCompletionStage(() -> session.executeAsync(remove.bind(userId, deviceId))).then();
  }
}
