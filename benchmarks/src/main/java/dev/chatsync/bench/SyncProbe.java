package dev.chatsync.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * {@code /sync} pages of 100 entries: a group whose members each hold more than 100 entries, then
 * page requests at each fixed rate in turn, timed from their intended start.
 */
final class SyncProbe {

  /** Latencies of the pages served; refused = 503 {@code overloaded} (turned away at once, not retried here). */
  record Result(double perSecond, Histogram pages, long requests, long refused, long errors) {}

  /** Each rate runs at least this long, so that its p99 rests on enough requests. */
  static final int MIN_SECONDS_PER_RATE = 10;

  private SyncProbe() {}

  /** One result per rate, in order; each rate sends at least {@code requests} pages. */
  static List<Result> run(GatewayClient gateway, String runId, int members, int messages, int requests, double... rates)
      throws Exception {
    List<String> users = new ArrayList<>();
    for (int m = 0; m < members; m++) {
      users.add(runId + "-sync-" + m);
    }
    users.parallelStream().forEach(gateway::token);
    String conversationId = gateway.createGroup(users.get(0), users.subList(1, users.size()));
    List<CompletableFuture<Integer>> sends = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      sends.add(gateway.sendUntilTaken(users.get(i % members), conversationId, runId + "-sync-" + i, "s" + i));
      if (sends.size() % 50 == 0) {
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      }
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    // Every member's inbox holds a full page once the last member's does.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (String user : users) {
      while (gateway.sync(user, "probe", 0, 100).get(30, TimeUnit.SECONDS)[1] < 100) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the inboxes did not fill within 120 s");
        }
        Thread.sleep(100);
      }
    }

    List<Result> results = new ArrayList<>();
    for (double perSecond : rates) {
      results.add(pages(gateway, users, Math.max(requests, (int) (perSecond * MIN_SECONDS_PER_RATE)), perSecond));
    }
    return results;
  }

  private static Result pages(GatewayClient gateway, List<String> users, int requests, double perSecond)
      throws Exception {
    int members = users.size();
    Histogram pages = new ConcurrentHistogram(3);
    AtomicLong errors = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    long start = System.nanoTime();
    long interval = (long) (1e9 / perSecond);
    for (int i = 0; i < requests; i++) {
      long at = start + i * interval;
      LockSupport.parkNanos(at - System.nanoTime());
      pending.add(gateway.sync(users.get(i % members), "probe", 0, 100).whenComplete((page, failed) -> {
        long took = Math.max(0, System.nanoTime() - at);
        if (failed == null && page[0] == 200 && page[1] == 100) {
          pages.recordValue(took);
        } else if (failed == null && page[0] == GatewayClient.REFUSED) {
          refused.incrementAndGet();
        } else {
          errors.incrementAndGet();
        }
      }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return new Result(perSecond, pages, requests, refused.get(), errors.get());
  }
}
