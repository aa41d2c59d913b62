package dev.chatsync.fanout.inbox.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.concurrent.CompletableFuture;

/**
 * {@code inbox_reservations}: per user, a bound above every inbox seq ever allocated, moved up a
 * block at a time by compare-and-set (so it never moves down, whoever writes). An inbox whose
 * state row was lost starts its seqs above it: a device's cursor is never above the new entries
 * (it gets 410 instead of silently skipping them).
 */
final class InboxReservations {

  /** Seqs reserved at a time: one extra conditional write per this many entries of a user. */
  static final long BLOCK = 10_000;

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement reserve;

  InboxReservations(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT reserved FROM inbox_reservations WHERE user_id = ?");
    reserve = session.prepare("UPDATE inbox_reservations SET reserved = ? WHERE user_id = ? IF reserved = ?");
  }

  /** The user's reservation, 0 if none. */
  CompletableFuture<Long> current(String userId) {
    return execute(select.bind(userId)).thenApply(result -> reserved(result.one()));
  }

  /** A reservation of at least {@code head}; {@code known} is the last one this writer saw. */
  CompletableFuture<Long> cover(String userId, long head, long known) {
    if (head <= known) {
      return CompletableFuture.completedFuture(known);
    }
    return current(userId).thenCompose(stored -> raise(userId, head, stored));
  }

  private CompletableFuture<Long> raise(String userId, long head, long stored) {
    if (head <= stored) {
      return CompletableFuture.completedFuture(stored);
    }
    long wanted = (head / BLOCK + 1) * BLOCK;
    Statement<?> cas = stored == 0 ? reserve.bind(wanted, userId, null) : reserve.bind(wanted, userId, stored);
    return execute(cas).thenCompose(result -> result.wasApplied()
        ? CompletableFuture.completedFuture(wanted)
        : raise(userId, head, reserved(result.one())));
  }

  private static long reserved(Row row) {
    return row == null || row.isNull("reserved") ? 0 : row.getLong("reserved");
  }

  private CompletableFuture<AsyncResultSet> execute(Statement<?> statement) {
    return session.executeAsync(statement).toCompletableFuture();
  }
}
