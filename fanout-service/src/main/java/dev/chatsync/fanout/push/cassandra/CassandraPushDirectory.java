package dev.chatsync.fanout.push.cassandra;

import static dev.chatsync.contracts.StorageTimeline.bucketOf;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.Memo;
import dev.chatsync.contracts.StorageTimeline;
import dev.chatsync.fanout.push.PushDirectory;
import dev.chatsync.fanout.push.PushTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Repository;

/** {@code push_targets}, {@code presence_by_user}, {@code conversations_by_user}, the timeline: reads only, but the refusal. */
@Repository
@ConditionalOnProperty(name = "chat.push.enabled", havingValue = "true", matchIfMissing = true)
class CassandraPushDirectory implements PushDirectory {

  static final Duration TARGETS_KEPT = Duration.ofSeconds(10);
  /** Registration keeps a user to this many (chat.push.max-targets); read no more whatever the table holds (P7). */
  static final int MAX_TARGETS = 20;

  private record Kept(List<PushTarget> targets, long readAtNanos) {}

  private final Memo<String, Kept> recentTargets = new Memo<>(100_000);
  private final CqlSession session;
  private final PreparedStatement targets;
  private final PreparedStatement streaming;
  private final PreparedStatement recipient;
  private final PreparedStatement text;
  private final PreparedStatement disable;

  CassandraPushDirectory(CqlSession session) {
    this.session = session;
    targets = session.prepare("SELECT device_id, provider, device_token, endpoint, disabled_at FROM push_targets WHERE user_id = ? "
        + "LIMIT " + MAX_TARGETS);
    streaming = session.prepare("SELECT device_id FROM presence_by_user WHERE user_id = ?");
    recipient = session.prepare("SELECT joined_seq, read_seq, own_last_seq, muted, muted_until FROM conversations_by_user "
        + "WHERE user_id = ? AND conversation_id = ?");
    text = session.prepare("SELECT body, edited_body, recalled_at FROM messages_by_conversation WHERE conversation_id = ? "
        + "AND bucket = ? AND seq = ?");
    // Only if the target is still the one refused: a registration since then stands.
    disable = session.prepare("UPDATE push_targets SET disabled_at = ?, disabled_why = ? WHERE user_id = ? AND device_id = ? "
        + "IF device_token = ?");
  }

  /**
   * Every member of every message is asked for: most have no target, and a read each would double
   * the store's load of a group's send. What was read is kept for {@link #TARGETS_KEPT}, so a target
   * registered now gets its pushes within that.
   */
  @Override
  public List<PushTarget> targets(String userId) {
    long now = System.nanoTime();
    Kept kept = recentTargets.get(userId);
    if (kept != null && now - kept.readAtNanos() < TARGETS_KEPT.toNanos()) {
      return kept.targets();
    }
    List<PushTarget> found = StreamSupport.stream(session.execute(targets.bind(userId)).spliterator(), false)
        .filter(row -> row.isNull("disabled_at"))
        .map(row -> new PushTarget(userId, row.getString("device_id"), row.getString("provider"), row.getString("device_token"),
            row.getString("endpoint")))
        .toList();
    recentTargets.remember(userId, new Kept(found, now), (old, read) -> read);
    return found;
  }

  @Override
  public Set<String> streamingDevices(String userId) {
    Set<String> devices = new HashSet<>();
    for (Row row : session.execute(streaming.bind(userId))) {
      if (!row.isNull("device_id")) {
        devices.add(row.getString("device_id"));
      }
    }
    return devices;
  }

  @Override
  public Recipient recipient(String userId, String conversationId) {
    Row row = session.execute(recipient.bind(userId, conversationId)).one();
    if (row == null) {
      return new Recipient(false, 0);
    }
    long read = Math.max(longOrZero(row, "joined_seq"), Math.max(longOrZero(row, "read_seq"), longOrZero(row, "own_last_seq")));
    Instant until = row.getInstant("muted_until");
    boolean muted = !row.isNull("muted") && row.getBoolean("muted") && (until == null || until.isAfter(Instant.now()));
    return new Recipient(muted, read);
  }

  @Override
  public String text(String conversationId, long seq) {
    Row row = session.execute(text.bind(conversationId, bucketOf(seq), seq)).one();
    return row == null ? null
        : StorageTimeline.shownBody(row.getString("body"), row.getString("edited_body"), !row.isNull("recalled_at"));
  }

  @Override
  public void disable(PushTarget target, String why) {
    session.execute(disable.bind(Instant.now(), why, target.userId(), target.deviceId(), target.token()));
    recentTargets.forget(target.userId());
  }

  private static long longOrZero(Row row, String column) {
    return row.isNull(column) ? 0 : row.getLong(column);
  }
}
