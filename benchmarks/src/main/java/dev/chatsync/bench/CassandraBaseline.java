package dev.chatsync.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's limit: single-row inserts into the inbox table itself, with the same driver, TTL and
 * consistency as fanout stage 2, from one async client, as fast as the node takes them.
 */
final class CassandraBaseline {

  static final int IN_FLIGHT = 512;

  record Result(double insertsPerSecond, long errors) {}

  private CassandraBaseline() {}

  /**
   * The node's rate for the inbox's own insert, measured after an unmeasured pass of the same
   * length: the first seconds of a fresh connection and of cold code paths are not the node's rate.
   */
  static Result run(String contactPoint, Duration duration, String runId) throws InterruptedException {
    String[] hostPort = contactPoint.split(":");
    try (CqlSession session = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
        .withLocalDatacenter("datacenter1")
        .withKeyspace("chat")
        .build()) {
      PreparedStatement insert = session.prepare("INSERT INTO inbox_by_user (user_id, inbox_seq, kind, conversation_id, "
          + "conversation_seq, message_id, created_at) VALUES (?, ?, 'message', ?, ?, ?, ?) USING TTL 3600");
      insertFor(session, insert, duration, runId + "-warm");
      return insertFor(session, insert, duration, runId);
    }
  }

  private static Result insertFor(CqlSession session, PreparedStatement insert, Duration duration, String runId)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    for (long i = 0; System.nanoTime() < end; i++) {
      inFlight.acquire();
      var statement = insert.bind(runId + "-raw-" + (i % 10_000), i, "conv-raw", i, "m" + i, Instant.now())
          .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM);
      session.executeAsync(statement).whenComplete((result, failed) -> {
        if (failed != null) {
          errors.incrementAndGet();
        } else {
          done.incrementAndGet();
        }
        inFlight.release();
      });
    }
    inFlight.acquire(IN_FLIGHT);
    return new Result(done.get() / ((System.nanoTime() - start) / 1e9), errors.get());
  }
}
