package dev.chatsync.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import tools.jackson.databind.json.JsonMapper;

/**
 * How many idle streams one sync-service instance holds through the gateway, and its heap with
 * them: opens {@code count} streams of distinct users, counts the ones that answered 200, and
 * reads the instance's heap from its actuator before and after. Streams are spread over the
 * gateway instances given: a gateway holds two sockets a stream, and a process may have only so
 * many files open (20,000 on the machines here), so one gateway cannot carry 10,000.
 */
final class StreamCapacity {

  record Result(int asked, int gateways, long open, long failed, double heapBeforeMb, double heapWithStreamsMb) {}

  static final int OPENS_PER_SECOND = 250;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private StreamCapacity() {}

  /**
   * @param syncPid the instance's process id if it runs on this machine: a full GC before each
   *     heap reading makes the figure the heap in use, not whatever garbage happened to be there
   */
  static Result run(List<GatewayClient> gateways, String syncActuator, Long syncPid, String runId, int count)
      throws Exception {
    double before = heapMb(syncActuator, syncPid);
    List<String> users = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      users.add(runId + "-idle-" + i);
    }
    IntStream.range(0, count).parallel().forEach(i -> gateways.get(i % gateways.size()).token(users.get(i)));
    List<EventStream> streams = new ArrayList<>();
    List<CompletableFuture<?>> opened = new ArrayList<>();
    AtomicLong open = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    // Opened at a steady pace, as clients come online, not all in the same instant: the figure is
    // how many one instance holds, not how large a burst of connects it accepts.
    long start = System.nanoTime();
    long interval = 1_000_000_000L / OPENS_PER_SECOND;
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    for (String user : users) {
      GatewayClient gateway = gateways.get(opened.size() % gateways.size());
      LockSupport.parkNanos(start + opened.size() * interval - System.nanoTime());
      EventStream stream = new EventStream((body, at) -> {});
      streams.add(stream);
      opened.add(gateway.stream(user, "idle", stream).whenComplete((status, error) -> {
        if (error == null && status == 200) {
          open.incrementAndGet();
        } else {
          failed.incrementAndGet();
          failures.merge(error != null ? rootCause(error) : "HTTP " + status, 1, Integer::sum);
        }
      }));
      if (opened.size() % 500 == 0) {
        System.out.printf("  [streams] %,d asked, %,d open, %,d failed%n", opened.size(), open.get(), failed.get());
      }
    }
    try {
      CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).exceptionally(error -> null).get(300, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException stillOpening) {
      // What has not answered in five minutes is not held.
    }
    double with = heapMb(syncActuator, syncPid);
    failures.forEach((cause, times) -> System.out.printf("  [streams] %,d failed with %s%n", times, cause));
    System.out.printf("  [streams] %,d asked, %,d open, %,d failed, sync-service heap %.0f MB -> %.0f MB%n", count, open.get(),
        failed.get(), before, with);
    streams.forEach(EventStream::close);
    return new Result(count, gateways.size(), open.get(), failed.get(), before, with);
  }

  private static String rootCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  private static double heapMb(String syncActuator, Long syncPid) {
    try {
      if (syncPid != null) {
        new ProcessBuilder("jcmd", syncPid.toString(), "GC.run").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
      }
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(syncActuator + "/actuator/metrics/jvm.memory.used?tag=area:heap")).build(),
          HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body()).get("measurements").get(0).get("value").asDouble() / (1 << 20);
    } catch (Exception unavailable) {
      return Double.NaN;
    }
  }
}
