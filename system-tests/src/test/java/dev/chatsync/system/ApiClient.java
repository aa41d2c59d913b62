package dev.chatsync.system;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** A client of the HTTP API at one port, as an app would be: dev tokens, bearer auth, a device id, JSON. */
final class ApiClient {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static final String DEFAULT_DEVICE = "test-device";

  private final int port;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  ApiClient(int port) {
    this.port = port;
  }

  /** @param retryAfter the Retry-After header, or null */
  record Response(int status, String body, String retryAfter) {

    <T> T json(String path) {
      return JsonPath.read(body, path);
    }
  }

  /** The call as {@code userId} (null: without a token) from its device "test-device". */
  Response call(String method, String path, String userId, String body) throws Exception {
    return callFrom(method, path, userId, DEFAULT_DEVICE, body);
  }

  /** The call as {@code userId} from one of their devices. */
  Response callFrom(String method, String path, String userId, String deviceId, String body) throws Exception {
    Map<String, String> headers = new HashMap<>();
    headers.put("X-Device-Id", deviceId);
    if (userId != null) {
      headers.put("Authorization", "Bearer " + token(userId));
    }
    return callWithHeaders(method, path, body, headers);
  }

  Response callWithHeaders(String method, String path, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path))
        .timeout(Duration.ofSeconds(30));
    if (!headers.containsKey("X-Device-Id")) {
      request.header("X-Device-Id", DEFAULT_DEVICE);
    }
    headers.forEach(request::header);
    if (body != null) {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body(), response.headers().firstValue("Retry-After").orElse(null));
  }

  Stream stream(String userId) throws Exception {
    return stream(userId, DEFAULT_DEVICE, null);
  }

  /**
   * Opens {@code GET /stream} as the user's device (after {@code lastEventId}, if given) and parses
   * its events, each stamped with the time it arrived, into the returned handle until the stream
   * ends or the handle is closed. Returns once the server has sent the stream's opening comment:
   * from then on the stream is registered for pushes.
   */
  Stream stream(String userId, String deviceId, Long lastEventId) throws Exception {
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/stream"))
        .header("Authorization", "Bearer " + token(userId))
        .header("Accept", "text/event-stream")
        .header("X-Device-Id", deviceId);
    if (lastEventId != null) {
      request.header("Last-Event-ID", Long.toString(lastEventId));
    }
    CompletableFuture<Void> opened = new CompletableFuture<>();
    AtomicReference<String> ended = new AtomicReference<>();
    EventParser parser = new EventParser(events, opened);
    Stream.Seen seen = new Stream.Seen();
    var response = HTTP.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofLines())
        .thenAccept(streamed -> {
          if (streamed.statusCode() != 200) {
            ended.set("GET /stream answered " + streamed.statusCode() + ": " + String.join("\n", streamed.body().toList()));
            return;
          }
          streamed.body().forEach(line -> {
            seen.lineArrived(line);
            parser.line(line);
          });
          ended.set("the server ended the stream");
        })
        .whenComplete((done, failure) -> {
          if (failure != null) {
            ended.compareAndSet(null, "the stream failed: " + failure);
          }
          opened.completeExceptionally(new AssertionError(ended.get()));
        });
    Stream stream = new Stream(events, ended, seen, () -> response.cancel(true));
    try {
      opened.get(30, TimeUnit.SECONDS);
    } catch (Exception notOpened) {
      stream.close();
      throw new AssertionError("the stream of " + userId + "/" + deviceId + " did not open: "
          + (ended.get() != null ? ended.get() : "no opening comment within 30 s"), notOpened);
    }
    return stream;
  }

  /** One server-sent event; {@code arrivedNanos} is System.nanoTime() when its last line came. */
  record Event(String id, String kind, String data, long arrivedNanos) {
    <T> T json(String path) {
      return JsonPath.read(data, path);
    }
  }

  /**
   * @param ended how the stream ended, or null while it is open
   * @param seen what came over the wire, for a failure to say whether the stream was alive
   */
  record Stream(BlockingQueue<Event> events, AtomicReference<String> ended, Seen seen, Runnable closer)
      implements AutoCloseable {

    /** The next event (heartbeat comments are not events). */
    Event next(Duration timeout) throws InterruptedException {
      Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (event == null) {
        throw new AssertionError("no event within " + timeout + (ended.get() == null ? " (the stream is open; " : " (")
            + seen + ")" + (ended.get() == null ? "" : "; " + ended.get()));
      }
      return event;
    }

    /**
     * Lines and ids received: a stream whose heartbeats still arrive is alive and had nothing to
     * send; one silent for longer than a heartbeat is stuck between the server and here.
     */
    static final class Seen {
      private final AtomicLong lines = new AtomicLong();
      private final AtomicLong lastLineNanos = new AtomicLong(System.nanoTime());
      private final AtomicReference<String> lastId = new AtomicReference<>();

      void lineArrived(String line) {
        lines.incrementAndGet();
        lastLineNanos.set(System.nanoTime());
        if (line.startsWith("id:")) {
          lastId.set(line.substring(3).strip());
        }
      }

      @Override
      public String toString() {
        return lines.get() + " lines received, the last " + (System.nanoTime() - lastLineNanos.get()) / 1_000_000
            + " ms ago, the last event id " + lastId.get();
      }
    }

    @Override
    public void close() {
      closer.run();
    }
  }

  /** Server-sent events, line by line (the WHATWG format: field:value, a blank line ends an event). */
  private static final class EventParser {
    private final BlockingQueue<Event> events;
    private final CompletableFuture<Void> opened;
    private String id;
    private String kind;
    private StringBuilder data;

    EventParser(BlockingQueue<Event> events, CompletableFuture<Void> opened) {
      this.events = events;
      this.opened = opened;
    }

    void line(String line) {
      if (line.isEmpty()) {
        if (data != null) {
          events.add(new Event(id, kind == null ? "message" : kind, data.toString(), System.nanoTime()));
        }
        id = null;
        kind = null;
        data = null;
        return;
      }
      if (line.startsWith(":")) {
        if (line.equals(":open")) {
          opened.complete(null);
        }
        return;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "id" -> id = value;
        case "event" -> kind = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> { }
      }
    }
  }

  /** A dev token for the user, fetched once (the gateways share the secret, so any will do). */
  String token(String userId) {
    return tokens.computeIfAbsent(userId, id -> {
      try {
        Response response = callWithHeaders("POST", "/dev/tokens", "{\"userId\":\"" + id + "\"}", Map.of());
        if (response.status() != 200) {
          throw new IllegalStateException("no dev token for " + id + ": " + response.body());
        }
        return response.json("$.token");
      } catch (Exception failed) {
        throw new IllegalStateException(failed);
      }
    });
  }
}
