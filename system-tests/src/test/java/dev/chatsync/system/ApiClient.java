package dev.chatsync.system;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
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
  /** Whether the answers are held against the API description (a gateway's; a service serves none). */
  private final boolean checked;

  /** A client of the gateway on this port: every answer is checked against the API description it serves. */
  ApiClient(int port) {
    this(port, true);
  }

  private ApiClient(int port, boolean checked) {
    this.port = port;
    this.checked = checked;
  }

  /** A client of a service itself, as an attacker inside the network would call it (no API description). */
  static ApiClient bypassingTheGateway(int servicePort) {
    return new ApiClient(servicePort, false);
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
    if (checked) {
      OpenApiContract.of(port).check(method, "/api/v1" + path, response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(null), response.body());
    }
    return new Response(response.statusCode(), response.body(), response.headers().firstValue("Retry-After").orElse(null));
  }

  Stream stream(String userId) throws Exception {
    return stream(userId, DEFAULT_DEVICE, null);
  }

  /**
   * Opens {@code GET /stream} as the user's device (after {@code lastEventId}, if given) and parses
   * its events, each stamped with the time it arrived, into the returned handle until the stream
   * ends or the handle is closed. Returns once the server has sent the stream's opening comment:
   * from then on the stream is registered for pushes. Like every client the API describes, the
   * handle reconnects with {@code Last-Event-ID} when the stream stays silent past its heartbeat,
   * and says so on the output.
   */
  Stream stream(String userId, String deviceId, Long lastEventId) throws Exception {
    Stream stream = new Stream(this, userId, deviceId, lastEventId);
    stream.connect(lastEventId);
    return stream;
  }

  /**
   * For a stream that went quiet: whether the inbox holds entries after the last one it sent (a
   * page of /sync from another device) and whether a new stream from there gets them, which tells a
   * stuck stream from an inbox with nothing to send.
   */
  private String lookAround(String userId, String lastId) {
    long after = lastId == null ? 0 : Long.parseLong(lastId);
    StringBuilder found = new StringBuilder();
    try {
      Response page = callFrom("GET", "/sync?after=" + after, userId, "diagnostics", null);
      found.append("/sync after ").append(after).append(" answered ").append(page.status()).append(" with inbox ids ")
          .append(page.status() == 200 ? page.<List<Object>>json("$.entries[*].seq") : page.body());
      try (Stream again = stream(userId, "diagnostics", after)) {
        Event next = again.events().poll(5, TimeUnit.SECONDS);
        found.append("; a new stream after ").append(after).append(next == null ? " got nothing in 5 s" : " got id " + next.id());
      }
    } catch (Throwable failed) {
      found.append("; looking around failed: ").append(failed);
    }
    return found.toString();
  }

  /** One server-sent event; {@code arrivedNanos} is System.nanoTime() when its last line came. */
  record Event(String id, String kind, String data, long arrivedNanos) {
    <T> T json(String path) {
      return JsonPath.read(data, path);
    }
  }

  /** Longer than the server's heartbeat interval (15 s): a stream silent this long is taken for stuck. */
  static final Duration SILENCE = Duration.ofSeconds(20);

  /** Threads that read the streams' bodies: never the HTTP client's own, which deliver the data. */
  private static final ExecutorService READERS = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "sse-reader");
    thread.setDaemon(true);
    return thread;
  });

  /** One device's stream, across the connections it needed. */
  static final class Stream implements AutoCloseable {
    private final ApiClient api;
    private final String userId;
    private final String deviceId;
    private final Long startedAfter;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Seen seen = new Seen();
    /** How the current connection ended, or null while it is open. */
    private final AtomicReference<String> ended = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<HttpResponse<java.util.stream.Stream<String>>>> current =
        new AtomicReference<>();
    private final List<String> reconnects = new CopyOnWriteArrayList<>();

    private Stream(ApiClient api, String userId, String deviceId, Long startedAfter) {
      this.api = api;
      this.userId = userId;
      this.deviceId = deviceId;
      this.startedAfter = startedAfter;
    }

    private void connect(Long after) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port + "/api/v1/stream"))
          .header("Authorization", "Bearer " + api.token(userId))
          .header("Accept", "text/event-stream")
          .header("X-Device-Id", deviceId);
      if (after != null) {
        request.header("Last-Event-ID", Long.toString(after));
      }
      CompletableFuture<Void> opened = new CompletableFuture<>();
      EventParser parser = new EventParser(events, opened, seen);
      var response = HTTP.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
      current.set(response);
      ended.set(null);
      // Lines of a connection given up on are not this stream's any more.
      response.thenAcceptAsync(streamed -> {
            if (streamed.statusCode() != 200) {
              ended.set("GET /stream answered " + streamed.statusCode() + ": " + String.join("\n", streamed.body().toList()));
              return;
            }
            streamed.body().forEach(line -> {
              if (current.get() == response) {
                seen.lineArrived(line);
                parser.line(line);
              }
            });
            if (current.get() == response) {
              ended.set("the server ended the stream");
            }
          }, READERS)
          .whenComplete((done, failure) -> {
            if (failure != null && current.get() == response) {
              ended.compareAndSet(null, "the stream failed: " + failure);
            }
            opened.completeExceptionally(new AssertionError(ended.get()));
          });
      try {
        opened.get(30, TimeUnit.SECONDS);
      } catch (Exception notOpened) {
        close();
        throw new AssertionError("the stream of " + userId + "/" + deviceId + " did not open: "
            + (ended.get() != null ? ended.get() : "no opening comment within 30 s"), notOpened);
      }
    }

    BlockingQueue<Event> events() {
      return events;
    }

    /** What each reconnection found, in order; empty when the stream never went silent. */
    List<String> reconnects() {
      return List.copyOf(reconnects);
    }

    /** The next event (heartbeat comments are not events). */
    Event next(Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no event within " + timeout + (ended.get() == null ? " (the stream is open; " : " (")
              + seen + ")" + (ended.get() == null ? "" : "; " + ended.get()) + "; " + api.lookAround(userId, seen.lastId()));
        }
        Event event = events.poll(Math.min(left, 1_000_000_000L), TimeUnit.NANOSECONDS);
        if (event != null) {
          if (api.checked) {
            OpenApiContract.of(api.port).checkStreamEvent(event.kind(), event.id(), event.data());
          }
          return event;
        }
        if (ended.get() == null && seen.silentNanos() > SILENCE.toNanos()) {
          reconnect();
        }
      }
    }

    /**
     * Gives up on a silent connection and goes on after the last event it brought, saying what the
     * inbox held meanwhile: a stream that goes silent is a fault to look into even when nothing
     * was lost.
     */
    private void reconnect() throws Exception {
      String lastId = seen.lastId();
      String note = "stream of " + userId + "/" + deviceId + " silent for " + seen.silentNanos() / 1_000_000
          + " ms after event id " + lastId + ": " + api.lookAround(userId, lastId);
      System.out.println("[stream] reconnecting with Last-Event-ID, " + note);
      reconnects.add(note);
      closeCurrent();
      seen.lineArrived("");
      connect(lastId == null ? startedAfter : Long.valueOf(lastId));
    }

    private void closeCurrent() {
      var response = current.getAndSet(null);
      if (response != null) {
        // Before the answer this cancels the exchange; after it, closing the body closes the connection.
        response.cancel(true);
        response.thenAccept(streamed -> streamed.body().close());
      }
    }

    @Override
    public void close() {
      closeCurrent();
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
      }

      /** A whole event with an id: a reconnect goes on after it, never after half an event. */
      void eventQueued(String id) {
        if (id != null) {
          lastId.set(id);
        }
      }

      String lastId() {
        return lastId.get();
      }

      long silentNanos() {
        return System.nanoTime() - lastLineNanos.get();
      }

      @Override
      public String toString() {
        return lines.get() + " lines received, the last " + silentNanos() / 1_000_000 + " ms ago, the last event id "
            + lastId.get();
      }
    }
  }

  /** Server-sent events, line by line (the WHATWG format: field:value, a blank line ends an event). */
  private static final class EventParser {
    private final BlockingQueue<Event> events;
    private final CompletableFuture<Void> opened;
    private final Stream.Seen seen;
    private String id;
    private String kind;
    private StringBuilder data;

    EventParser(BlockingQueue<Event> events, CompletableFuture<Void> opened, Stream.Seen seen) {
      this.events = events;
      this.opened = opened;
      this.seen = seen;
    }

    void line(String line) {
      if (line.isEmpty()) {
        if (data != null) {
          events.add(new Event(id, kind == null ? "message" : kind, data.toString(), System.nanoTime()));
          seen.eventQueued(id);
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
