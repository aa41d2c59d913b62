package dev.chatsync.message;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.tracker.RequestTracker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Counts this instance's Cassandra requests by what they cost the cluster
 * ({@code chat.cassandra.requests{kind}}): a read, a write (a batch counts once), a conditional
 * write (a Paxos round: several round trips and reads on every replica) or a serial read (Paxos
 * too). The benchmark divides them by the sends it made, so the send path's cost in store
 * operations is a measured figure, not a reading of the code.
 */
final class CassandraRequests implements RequestTracker {

  enum Kind { READ, WRITE, CONDITIONAL_WRITE, SERIAL_READ }

  private final Counter[] counters = new Counter[Kind.values().length];

  CassandraRequests(MeterRegistry meters) {
    for (Kind kind : Kind.values()) {
      counters[kind.ordinal()] = Counter.builder("chat.cassandra.requests").tag("kind", kind.name().toLowerCase(Locale.ROOT)
          .replace('_', '-')).description("Cassandra requests this instance made, by kind").register(meters);
    }
  }

  @Override
  public void onSuccess(Request request, long latencyNanos, DriverExecutionProfile profile, Node node, String prefix) {
    counters[kindOf(request).ordinal()].increment();
  }

  @Override
  public void onError(Request request, Throwable error, long latencyNanos, DriverExecutionProfile profile, Node node,
      String prefix) {
    counters[kindOf(request).ordinal()].increment();
  }

  @Override
  public void close() {}

  static Kind kindOf(Request request) {
    if (request instanceof BatchStatement batch) {
      for (BatchableStatement<?> statement : batch) {
        if (kindOf(statement) == Kind.CONDITIONAL_WRITE) {
          return Kind.CONDITIONAL_WRITE;
        }
      }
      return Kind.WRITE;
    }
    String query = request instanceof BoundStatement bound ? bound.getPreparedStatement().getQuery()
        : request instanceof SimpleStatement simple ? simple.getQuery() : "";
    String text = query.strip().toUpperCase(Locale.ROOT);
    if (text.startsWith("SELECT")) {
      ConsistencyLevel consistency = request instanceof Statement<?> statement ? statement.getConsistencyLevel() : null;
      return consistency != null && consistency.isSerial() ? Kind.SERIAL_READ : Kind.READ;
    }
    return text.contains(" IF ") ? Kind.CONDITIONAL_WRITE : Kind.WRITE;
  }
}
