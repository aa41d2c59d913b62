package dev.chatsync.system;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/** A client of the HTTP API at one port, as an app would be: dev tokens, bearer auth, a device id, JSON. */
final class ApiClient {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int port;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  ApiClient(int port) {
    this.port = port;
  }

  record Response(int status, String body) {
    <T> T json(String path) {
      return JsonPath.read(body, path);
    }
  }

  /** The call as {@code userId} (null: without a token). */
  Response call(String method, String path, String userId, String body) throws Exception {
    return callWithHeaders(method, path, body, userId == null ? Map.of() : Map.of("Authorization", "Bearer " + token(userId)));
  }

  Response callWithHeaders(String method, String path, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path))
        .timeout(Duration.ofSeconds(30))
        .header("X-Device-Id", "test-device");
    headers.forEach(request::header);
    if (body != null) {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body());
  }

  /**
   * Opens {@code GET /stream} as the user and feeds its lines into the returned queue until the
   * stream ends or the returned handle is closed.
   */
  Stream stream(String userId) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/stream"))
        .header("Authorization", "Bearer " + token(userId))
        .header("Accept", "text/event-stream")
        .header("X-Device-Id", "test-device")
        .GET().build();
    var response = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
        .thenAccept(streamed -> streamed.body().forEach(lines::add));
    return new Stream(lines, () -> response.cancel(true));
  }

  record Stream(BlockingQueue<String> lines, Runnable closer) implements AutoCloseable {
    @Override
    public void close() {
      closer.run();
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
