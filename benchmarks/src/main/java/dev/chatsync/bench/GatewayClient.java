package dev.chatsync.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The API as an app uses it, through the gateway: dev tokens, JSON over HTTP/1.1, SSE streams. */
final class GatewayClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String api;
  private final HttpClient http;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  GatewayClient(String gateway) {
    this.api = gateway.replaceAll("/+$", "") + "/api/v1";
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .executor(Executors.newFixedThreadPool(4))
        .build();
  }

  String token(String userId) {
    return tokens.computeIfAbsent(userId, id -> {
      JsonNode issued = call("POST", "/dev/tokens", null, "{\"userId\":\"" + id + "\"}");
      return issued.get("token").asString();
    });
  }

  String createGroup(String creator, List<String> others) {
    String members = String.join("\",\"", others);
    return call("POST", "/conversations", creator, "{\"type\":\"group\",\"title\":\"bench\",\"members\":[\"" + members + "\"]}")
        .get("conversationId").asString();
  }

  /** Adds the users to the group (at most 100 a request, as the API takes them). */
  void addMembers(String member, String conversationId, List<String> userIds) {
    call("POST", "/conversations/" + conversationId + "/members", member,
        "{\"userIds\":[\"" + String.join("\",\"", userIds) + "\"]}");
  }

  /** A GET as the user's device, its JSON answer (not 2xx: an IllegalStateException). */
  JsonNode get(String path, String userId, String deviceId) {
    HttpRequest request = request(path, userId, deviceId).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException failed) {
      throw new IllegalStateException("GET " + path + " failed: " + failed, failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
  }

  /** The status {@link #send} and {@link #sync} give a request the system refused (503 overloaded: nothing done). */
  static final int REFUSED = -503;

  /** Completes with the HTTP status, or {@link #REFUSED}. */
  CompletableFuture<Integer> send(String sender, String conversationId, String clientMsgId, String body) {
    HttpRequest request = request("/conversations/" + conversationId + "/messages", sender, "bench")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"clientMsgId\":\"" + clientMsgId + "\",\"type\":\"text\",\"body\":\""
            + body + "\"}"))
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response ->
        response.statusCode() == 503 && response.body().contains("/overloaded\"") ? REFUSED : response.statusCode());
  }

  /** A send repeated (same clientMsgId, after the second Retry-After asks for) until it is not refused. */
  CompletableFuture<Integer> sendUntilTaken(String sender, String conversationId, String clientMsgId, String body) {
    return send(sender, conversationId, clientMsgId, body).thenCompose(status -> status != REFUSED
        ? CompletableFuture.completedFuture(status)
        : CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS))
            .thenCompose(later -> sendUntilTaken(sender, conversationId, clientMsgId, body)));
  }

  /** One {@code /sync} page; completes with the status (or {@link #REFUSED}) and the number of entries. */
  CompletableFuture<int[]> sync(String userId, String deviceId, long after, int limit) {
    HttpRequest request = request("/sync?after=" + after + "&limit=" + limit, userId, deviceId).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
      int entries = response.statusCode() == 200 ? JSON.readTree(response.body()).get("entries").size() : 0;
      return new int[] {response.statusCode() == 503 && response.body().contains("/overloaded\"") ? REFUSED
          : response.statusCode(), entries};
    });
  }

  /**
   * Opens {@code GET /stream}; the returned future completes with the status as soon as the
   * headers came (the exchange itself completes only when the stream ends).
   */
  CompletableFuture<Integer> stream(String userId, String deviceId, Flow.Subscriber<String> lines) {
    HttpRequest request = request("/stream", userId, deviceId).header("Accept", "text/event-stream").GET().build();
    CompletableFuture<Integer> opened = new CompletableFuture<>();
    http.sendAsync(request, response -> {
      opened.complete(response.statusCode());
      return HttpResponse.BodySubscribers.fromLineSubscriber(lines);
    }).whenComplete((ended, failed) -> {
      if (failed != null) {
        opened.completeExceptionally(failed);
      }
    });
    return opened;
  }

  private HttpRequest.Builder request(String path, String userId, String deviceId) {
    return HttpRequest.newBuilder(URI.create(api + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token(userId))
        .header("X-Device-Id", deviceId);
  }

  private JsonNode call(String method, String path, String userId, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (userId != null) {
      request.header("Authorization", "Bearer " + token(userId));
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException failed) {
      throw new IllegalStateException(method + " " + path + " failed: " + failed, failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
  }
}
