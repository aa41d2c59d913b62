package dev.chatsync.sync.presence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.sync.presence.PresenceStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code presence_by_user} and {@code direct_partners} (the V007 migration). */
@Repository
class CassandraPresenceStore implements PresenceStore {

  /** Users whose presence is read or renewed at once (P7: GET /presence asks for 100 at most). */
  private static final int CONCURRENCY = 32;

  private final CqlSession session;
  private final PreparedStatement renew;
  private final PreparedStatement leave;
  private final PreparedStatement seen;
  private final PreparedStatement select;
  private final PreparedStatement hide;
  private final PreparedStatement partners;
  private final PreparedStatement partnersAmong;

  CassandraPresenceStore(CqlSession session) {
    this.session = session;
    // The row with a TTL, the user's last-seen time (static) without: a TTL on it would lose it with the row.
    renew = session.prepare("UPDATE presence_by_user USING TTL ? SET renewed_at = ? "
        + "WHERE user_id = ? AND instance_id = ? AND device_id = ?");
    leave = session.prepare("DELETE FROM presence_by_user WHERE user_id = ? AND instance_id = ? AND device_id = ?");
    seen = session.prepare("UPDATE presence_by_user SET last_seen_at = ? WHERE user_id = ?");
    // The static columns come with every row, and alone (instance_id null) when no instance holds the user.
    select = session.prepare("SELECT instance_id, last_seen_at, hidden FROM presence_by_user WHERE user_id = ?");
    hide = session.prepare("UPDATE presence_by_user SET hidden = ? WHERE user_id = ?");
    partners = session.prepare("SELECT partner_id FROM direct_partners WHERE user_id = ? LIMIT ?");
    partnersAmong = session.prepare("SELECT partner_id FROM direct_partners WHERE user_id = ? AND partner_id IN ?");
  }

  @Override
  public Mono<Void> renew(Collection<Device> devices, String instanceId, Instant at, Duration expireAfter) {
    int ttl = Math.toIntExact(expireAfter.toSeconds());
    return Flux.fromIterable(devices)
        .flatMap(device -> execute(BatchStatement.newInstance(BatchType.UNLOGGED,
            renew.bind(ttl, at, device.userId(), instanceId, device.deviceId()), seen.bind(at, device.userId()))), CONCURRENCY)
        .then();
  }

  @Override
  public Mono<Void> left(Device device, String instanceId, Instant at) {
    return Mono.when(execute(leave.bind(device.userId(), instanceId, device.deviceId())), execute(seen.bind(at, device.userId())));
  }

  @Override
  public Mono<Map<String, Stored>> of(Collection<String> userIds) {
    return Flux.fromIterable(userIds)
        .flatMap(userId -> execute(select.bind(userId)).map(result -> Map.entry(userId, stored(result))), CONCURRENCY)
        .collect(HashMap::new, (all, one) -> all.put(one.getKey(), one.getValue()));
  }

  private static Stored stored(AsyncResultSet result) {
    List<Row> rows = StreamSupport.stream(result.currentPage().spliterator(), false).toList();
    if (rows.isEmpty()) {
      return Stored.UNKNOWN;
    }
    Row first = rows.get(0);
    boolean online = rows.stream().anyMatch(row -> !row.isNull("instance_id"));
    return new Stored(online, first.getInstant("last_seen_at"), !first.isNull("hidden") && first.getBoolean("hidden"));
  }

  @Override
  public Mono<Void> hide(String userId, boolean hidden) {
    return execute(hide.bind(hidden, userId)).then();
  }

  @Override
  public Mono<Set<String>> partnersAmong(String userId, Collection<String> userIds) {
    // IN over at most 100 clustering keys (GET /presence's limit): within the driver's first page.
    return execute(partnersAmong.bind(userId, List.copyOf(userIds))).map(result -> StreamSupport.stream(
        result.currentPage().spliterator(), false).map(row -> row.getString("partner_id")).collect(Collectors.toSet()));
  }

  @Override
  public Mono<List<String>> directPartners(String userId, int limit) {
    return execute(partners.bind(userId, limit)).map(result -> StreamSupport.stream(result.currentPage().spliterator(), false)
        .map(row -> row.getString("partner_id")).toList());
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
