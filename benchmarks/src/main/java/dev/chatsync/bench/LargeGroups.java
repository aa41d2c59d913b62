package dev.chatsync.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;

/**
 * The "large-groups" phase: groups of each size in {@code --large-group-sizes}, created through
 * the API (1,000 members at creation, then pages of 100), with {@code --large-group-online} of
 * their members holding a stream. Into each, {@code --large-group-sends} messages at a fixed rate
 * ({@code --large-group-rates}, per group);
 * per group: the sends per second taken, the push latency to the online members (from each send's
 * intended time), the machine's CPU and Cassandra's writes (mutations of the chat keyspace, all
 * tables) per send once the system is quiet again, and how long a member who was offline takes to
 * catch up on those messages (an inbox read, then the history when a channel-activity entry says
 * so). A group at or below the read-fanout threshold runs beside the larger ones as the
 * write-fanout baseline of the same run.
 */
final class LargeGroups {

  record Result(int members, int online, double createSeconds, double offeredPerSecond, int sends, double sendsPerSecond,
      List<Long> pushMillis,
      long pushes, double cpuMillisPerSend, double writesPerSend, double catchUpMillis, int caughtUp) {}

  /** Fewer writes a second than this, three seconds in a row, is a quiet system. */
  private static final double QUIET_WRITES_PER_SECOND = 200;

  private LargeGroups() {}

  static List<Result> run(GatewayClient gateway, CassandraWrites writes, String runId, int[] sizes, double onlineShare,
      int sends, double[] rates) throws Exception {
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      double rate = rates[Math.min(i, rates.length - 1)];
      results.add(one(gateway, writes, runId + "-L" + sizes[i], sizes[i], onlineShare, sends, rate));
    }
    return results;
  }

  private static Result one(GatewayClient gateway, CassandraWrites writes, String prefix, int size, double onlineShare, int sends,
      double rate) throws Exception {
    List<String> members = IntStream.range(0, size).mapToObj(i -> prefix + "-" + i).toList();
    long createStart = System.nanoTime();
    String conversationId = create(gateway, members);
    double createSeconds = (System.nanoTime() - createStart) / 1e9;
    System.out.printf("  %,d members: created through the API in %.0f s (%,.0f members/s)%n", size, createSeconds,
        size / createSeconds);

    int online = Math.max(1, (int) Math.round(size * onlineShare));
    // Members 1..online hold streams; the last member stays offline and catches up at the end.
    long[] intendedNanos = new long[sends + 1];
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicInteger pushes = new AtomicInteger();
    List<EventStream> streams = new ArrayList<>();
    List<CompletableFuture<?>> opened = new ArrayList<>();
    members.subList(1, 1 + online).parallelStream().forEach(gateway::token);
    for (String member : members.subList(1, 1 + online)) {
      EventStream stream = new EventStream((body, arrivedNanos) -> {
        if (!body.startsWith("L")) {
          return;
        }
        int index = Integer.parseInt(body.substring(1));
        if (index >= 1 && index <= sends && intendedNanos[index] > 0) {
          latencies.add((arrivedNanos - intendedNanos[index]) / 1_000_000);
          pushes.incrementAndGet();
        }
      });
      streams.add(stream);
      opened.add(gateway.stream(member, "bench", stream));
    }
    CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
    // A first message makes the group's first round (read fanout tells every member once), not measured.
    gateway.sendUntilTaken(members.get(0), conversationId, prefix + "-first", "first").get(60, TimeUnit.SECONDS);
    awaitQuiet(writes);

    double cpuBefore = Cpu.busyMillis();
    double writesBefore = writes.count();
    long start = System.nanoTime();
    long periodNanos = (long) (1e9 / rate);
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    List<CompletableFuture<Integer>> answered = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger scheduled = new AtomicInteger();
    CompletableFuture<Void> allScheduled = new CompletableFuture<>();
    pacer.scheduleAtFixedRate(() -> {
      int index = scheduled.incrementAndGet();
      if (index > sends) {
        allScheduled.complete(null);
        return;
      }
      intendedNanos[index] = start + (index - 1) * periodNanos;
      answered.add(gateway.send(members.get(0), conversationId, prefix + "-m" + index, "L" + index));
    }, 0, periodNanos, TimeUnit.NANOSECONDS);
    allScheduled.get((long) (sends / rate * 3 + 60), TimeUnit.SECONDS);
    pacer.shutdownNow();
    int taken = 0;
    for (CompletableFuture<Integer> each : answered) {
      int status = each.get(60, TimeUnit.SECONDS);
      if (status == 201) {
        taken++;
      }
    }
    double sendSeconds = (System.nanoTime() - start) / 1e9;
    long expected = (long) taken * online;
    long waitUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (pushes.get() < expected && System.nanoTime() < waitUntil) {
      Thread.sleep(200);
    }
    awaitQuiet(writes);
    double cpuPerSend = (Cpu.busyMillis() - cpuBefore) / Math.max(1, taken);
    double writesPerSend = (writes.count() - writesBefore) / Math.max(1, taken);
    streams.forEach(EventStream::close);

    String offline = members.get(size - 1);
    long catchUpStart = System.nanoTime();
    int caughtUp = catchUp(gateway, offline, conversationId);
    double catchUpMillis = (System.nanoTime() - catchUpStart) / 1e6;

    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    Result result = new Result(size, online, createSeconds, rate, taken, taken / sendSeconds, sorted, pushes.get(), cpuPerSend,
        writesPerSend, catchUpMillis, caughtUp);
    System.out.printf("  %,d members, %,d online: %.1f of %.0f offered sends/s, push p50 / p99 %s ms (%,d of %,d pushes), CPU %.1f ms and "
            + "%.1f Cassandra writes per send; the last member caught up on %,d messages in %.0f ms%n", size, online,
        result.sendsPerSecond(), rate, Report.percentiles(sorted), pushes.get(), expected, cpuPerSend, writesPerSend, caughtUp,
        catchUpMillis);
    return result;
  }

  /** A group of the members, the first its creator: 1,000 at creation, the rest 100 a request. */
  private static String create(GatewayClient gateway, List<String> members) {
    int atCreation = Math.min(members.size(), 1_000);
    String conversationId = gateway.createGroup(members.get(0), members.subList(1, atCreation));
    for (int from = atCreation; from < members.size(); from += 100) {
      gateway.addMembers(members.get(0), conversationId, members.subList(from, Math.min(members.size(), from + 100)));
    }
    return conversationId;
  }

  /**
   * What a device that was offline does: pages its inbox from the start; a message entry is a
   * message, a channel-activity entry sends it to the history, read after the last message it has
   * to the end. Returns how many messages of the group it then has.
   */
  private static int catchUp(GatewayClient gateway, String userId, String conversationId) {
    long after = 0;
    long known = 0;
    int messages = 0;
    while (true) {
      JsonNode page = gateway.get("/sync?after=" + after + "&limit=500", userId, "catch-up");
      for (JsonNode entry : page.get("entries")) {
        if (!conversationId.equals(entry.get("conversationId").asString())) {
          continue;
        }
        String kind = entry.get("kind").asString();
        if ("message".equals(kind)) {
          messages++;
          known = Math.max(known, entry.get("message").get("seq").asLong());
        } else if ("channel-activity".equals(kind)) {
          while (true) {
            JsonNode history = gateway.get("/conversations/" + conversationId + "/messages?after=" + known + "&limit=200", userId,
                "catch-up");
            for (JsonNode message : history.get("items")) {
              messages++;
              known = Math.max(known, message.get("seq").asLong());
            }
            if (!history.get("hasMore").asBoolean() || history.get("items").isEmpty()) {
              break;
            }
          }
        }
      }
      after = page.get("nextAfter").asLong();
      if (!page.get("hasMore").asBoolean()) {
        return messages;
      }
    }
  }

  /** Waits until Cassandra takes fewer than {@link #QUIET_WRITES_PER_SECOND} writes a second, three seconds in a row (at most 10 minutes). */
  private static void awaitQuiet(CassandraWrites writes) throws InterruptedException {
    int quietSeconds = 0;
    long until = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    double last = writes.count();
    while (quietSeconds < 3 && System.nanoTime() < until) {
      Thread.sleep(1_000);
      double now = writes.count();
      quietSeconds = now - last < QUIET_WRITES_PER_SECOND ? quietSeconds + 1 : 0;
      last = now;
    }
  }
}
