package dev.chatsync.fanout.push;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for a push provider's HTTP API: records every request and answers each path with
 * the statuses scripted for it, in turn (200 once they run out), as the provider would.
 */
final class FakeProvider implements AutoCloseable {

  record Received(String name, String method, String path, Map<String, List<String>> headers, String body) {

    String header(String name) {
      return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name)).findFirst()
          .map(entry -> entry.getValue().get(0)).orElse(null);
    }

    @Override
    public String toString() {
      return name + " received " + method + " " + path + " " + body;
    }
  }

  private final String name;
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Queue<Integer>> scripted = new ConcurrentHashMap<>();

  FakeProvider(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Received request = new Received(name, exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Map.copyOf(exchange.getRequestHeaders()), body);
      received.add(request);
      System.out.println("[fake " + name + "] " + request.method() + " " + request.path() + " " + body);
      Queue<Integer> statuses = scripted.get(request.path());
      Integer status = statuses == null ? null : statuses.poll();
      byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status == null ? 200 : status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next requests to {@code path} are answered with these statuses, in turn. */
  void answer(String path, Integer... statuses) {
    scripted.computeIfAbsent(path, key -> new java.util.concurrent.ConcurrentLinkedQueue<>()).addAll(List.of(statuses));
  }

  List<Received> to(String path) {
    return received.stream().filter(request -> request.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
