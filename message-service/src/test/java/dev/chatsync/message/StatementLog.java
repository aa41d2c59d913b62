package dev.chatsync.message;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.tracker.RequestTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The statements the application sent to Cassandra that mention a user a test watches: what a
 * request costs (conditional writes, serial reads, worklist notes), seen at the driver.
 */
public final class StatementLog implements RequestTracker {

  /**
   * One statement as the driver executed it; a batch is one entry per statement in it, each
   * saying how many statements its request held ({@code inRequestOf}).
   */
  public record Executed(String query, ConsistencyLevel consistency, int inRequestOf) {

    /** A lightweight transaction: a Paxos round on its partition. */
    public boolean conditional() {
      return query.contains(" IF ");
    }

    /** A read that runs Paxos to complete a proposal in progress. */
    public boolean serial() {
      return consistency != null && consistency.isSerial();
    }
  }

  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final List<Entry> executed = new CopyOnWriteArrayList<>();

  private record Entry(String userId, Executed statement) {}

  /** From now on, statements whose values mention {@code userId} are kept. */
  public void watch(String userId) {
    watched.add(userId);
  }

  public List<Executed> of(String userId) {
    return executed.stream().filter(entry -> entry.userId().equals(userId)).map(Entry::statement).toList();
  }

  @Override
  public void onSuccess(Request request, long latencyNanos, DriverExecutionProfile profile, Node node, String logPrefix) {
    record(request, profile);
  }

  @Override
  public void onError(Request request, Throwable error, long latencyNanos, DriverExecutionProfile profile, Node node,
      String logPrefix) {
    record(request, profile);
  }

  @Override
  public void close() {}

  private void record(Request request, DriverExecutionProfile profile) {
    if (watched.isEmpty()) {
      return;
    }
    List<BoundStatement> statements = new ArrayList<>();
    ConsistencyLevel consistency = null;
    if (request instanceof BatchStatement batch) {
      consistency = batch.getConsistencyLevel();
      for (BatchableStatement<?> inner : batch) {
        if (inner instanceof BoundStatement bound) {
          statements.add(bound);
        }
      }
    } else if (request instanceof BoundStatement bound) {
      consistency = bound.getConsistencyLevel();
      statements.add(bound);
    }
    if (consistency == null) {
      consistency = DefaultConsistencyLevel.valueOf(profile.getString(DefaultDriverOption.REQUEST_CONSISTENCY));
    }
    for (BoundStatement bound : statements) {
      for (String userId : watched) {
        if (mentions(bound, userId)) {
          executed.add(new Entry(userId, new Executed(bound.getPreparedStatement().getQuery(), consistency, statements.size())));
        }
      }
    }
  }

  private static boolean mentions(BoundStatement bound, String userId) {
    for (int i = 0; i < bound.size(); i++) {
      if (bound.isSet(i) && !bound.isNull(i) && String.valueOf(bound.getObject(i)).contains(userId)) {
        return true;
      }
    }
    return false;
  }
}
