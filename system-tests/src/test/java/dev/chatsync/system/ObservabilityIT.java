package dev.chatsync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of the system, end to end with the four services as processes: the metrics
 * the dashboard and alerts read, JSON log lines without bodies or tokens, and one message's trace
 * from the gateway to the push on a member's stream.
 */
class ObservabilityIT {

  private static LocalSystem system;
  private static ApiClient api;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String alice = "alice-" + suffix;
  private final String bob = "bob-" + suffix;
  private final String carol = "carol-" + suffix;

  @BeforeAll
  static void startTheServices() throws Exception {
    system = LocalSystem.start("observability", Map.of(
        // The JSON log lines a log collector reads (the Kubernetes base turns them on too).
        "CHAT_PROFILES", "local,json-logs",
        // Every trace recorded, its spans written to the logs, and the per-entry lines of stage 2
        // and of the stream push on.
        "MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "1.0",
        "CHAT_TRACING_LOGSPANS", "true",
        // The test follows one send by a trace id of its own making.
        "CHAT_TRACING_ACCEPTCLIENTTRACE", "true",
        "LOGGING_LEVEL_DEV_CHATSYNC_FANOUT_INBOX", "DEBUG",
        "LOGGING_LEVEL_DEV_CHATSYNC_SYNC_STREAM", "DEBUG"));
    api = new ApiClient(system.gatewayPort);
  }

  @AfterAll
  static void stopTheServices() throws Exception {
    if (system != null) {
      system.close();
    }
  }
  /**
   * Every metric the dashboard and the alert rules under deploy/monitoring query is one the services
   * expose, so neither can drift from the code.
   */
  @Test
  void theDashboardAndTheAlertsUseOnlyMetricsTheServicesExpose() throws Exception {
    String conversationId = api.call("POST", "/conversations", alice,
        "{\"type\":\"group\",\"title\":\"Metrics\",\"members\":[\"" + bob + "\"]}").json("$.conversationId");
    try (ApiClient.Stream stream = api.stream(bob)) {
      api.call("POST", "/conversations/" + conversationId + "/messages", alice, "{\"clientMsgId\":\"x-1\",\"body\":\"counted\"}");
      assertThat(stream.next(Duration.ofSeconds(60)).kind()).isEqualTo("message");
    }
    assertThat(api.call("GET", "/sync", bob, null).status()).isEqualTo(200);

    Set<String> exposed = new HashSet<>();
    for (int port : List.of(system.gatewayPort, system.messagePort, system.fanoutPort, system.syncPort)) {
      String scraped = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      scraped.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
          .map(line -> line.split("[{ ]", 2)[0]).forEach(exposed::add);
    }
    Path monitoring = LocalSystem.REPO.resolve("deploy/monitoring");
    String queries = String.join("\n", JsonPath.<List<String>>read(Files.readString(monitoring.resolve("grafana-dashboard.json")), "$..expr"))
        + Files.readString(monitoring.resolve("alerts.yml"));
    Set<String> used = new TreeSet<>();
    Matcher metric = Pattern.compile("\\b(?:chat|kafka|http_server)_[a-z0-9_]+").matcher(queries);
    while (metric.find()) {
      used.add(metric.group());
    }
    // Created with the first dead letter (PoisonRecordIT shows it counted).
    used.remove("chat_kafka_dead_letters_total");

    assertThat(used).isNotEmpty();
    assertThat(exposed).containsAll(used);
  }

  /**
   * A real Prometheus (Debian's 2.x) scrapes every service after traffic in sampled traces (their
   * exemplars in the scrape) and answers every query of the dashboard; promtool checks the alert
   * rules. An
   * exemplar where OpenMetrics allows none made it refuse the gateway's and message-service's
   * scrapes whole, so that both looked down.
   */
  @Test
  void aRealPrometheusScrapesEveryServiceAndRunsEveryQuery() throws Exception {
    String conversationId = api.call("POST", "/conversations", alice,
        "{\"type\":\"group\",\"title\":\"Scraped\",\"members\":[\"" + bob + "\"]}").json("$.conversationId");
    for (int i = 0; i < 5; i++) {
      api.call("POST", "/conversations/" + conversationId + "/messages", alice, "{\"clientMsgId\":\"s-" + i + "\",\"body\":\"x\"}");
      api.call("GET", "/sync", bob, null);
    }
    Path dir = LocalSystem.REPO.resolve("system-tests/target/observability/prometheus");
    int port = LocalSystem.freePort();
    String targets = "chatsync-gateway=127.0.0.1:" + system.gatewayPort + ",chatsync-message=127.0.0.1:" + system.messagePort
        + ",chatsync-fanout=127.0.0.1:" + system.fanoutPort + ",chatsync-sync=127.0.0.1:" + system.syncPort;
    run("deploy/monitoring/prometheus.sh", "start", dir.toString(), Integer.toString(port), targets);
    try {
      String prometheus = "http://127.0.0.1:" + port;
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        String answer = get(prometheus + "/api/v1/targets");
        List<String> health = JsonPath.read(answer, "$.data.activeTargets[*].health");
        assertThat(health).as("targets: " + JsonPath.read(answer, "$.data.activeTargets[*].lastError")).hasSize(4)
            .containsOnly("up");
      });
      Path monitoring = LocalSystem.REPO.resolve("deploy/monitoring");
      List<String> queries = new ArrayList<>(JsonPath.read(Files.readString(monitoring.resolve("grafana-dashboard.json")), "$..expr"));
      for (String query : queries) {
        String answer = get(prometheus + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        assertThat(JsonPath.<String>read(answer, "$.status")).as(query + " -> " + answer).isEqualTo("success");
      }
      // The rules' expressions are Prometheus' own to check.
      run("deploy/monitoring/prometheus.sh", "promtool", "check", "rules", monitoring.resolve("alerts.yml").toString());
      System.out.println("Prometheus scraped all 4 services (up), answered the " + queries.size()
          + " queries of the dashboard, and promtool passed the alert rules");
    } finally {
      run("deploy/monitoring/prometheus.sh", "stop", dir.toString());
    }
  }

  private static String get(String uri) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).directory(LocalSystem.REPO.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(String.join(" ", command) + ":\n" + output).isZero();
  }

  @Test
  void logLinesAreJsonAndNoneCarriesAMessageBodyOrAToken() throws Exception {
    String body = "a private message " + UUID.randomUUID();
    String conversationId = api.call("POST", "/conversations", alice,
        "{\"type\":\"group\",\"title\":\"Private\",\"members\":[\"" + bob + "\"]}").json("$.conversationId");
    assertThat(api.call("POST", "/conversations/" + conversationId + "/messages", alice,
        "{\"clientMsgId\":\"p-1\",\"body\":\"" + body + "\"}").status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(60)).until(() -> api.call("GET", "/sync", bob, null).body().contains(body));
    String token = api.token(alice);

    try (var files = Files.list(system.logs())) {
      for (Path log : files.filter(file -> file.toString().endsWith(".log")).toList()) {
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).as(log + " carries no body or token").noneMatch(line -> line.contains(body) || line.contains(token));
        List<String> json = lines.stream().filter(line -> line.startsWith("{")).toList();
        assertThat(json).as(log + " has JSON lines").isNotEmpty()
            .allSatisfy(line -> assertThat(JsonPath.<String>read(line, "$.service.name")).endsWith("-service"));
        assertThat(lines).as(log + " has no plain log lines").noneMatch(line -> line.matches("^\\d{4}-\\d{2}-\\d{2}T.*"));
      }
    }
  }

  /**
   * A send made in a trace of the client's own (W3C {@code traceparent}) is one trace through the
   * gateway, message-service, both fanout stages and the push on each member's stream: its id is on
   * stage 2's line for each member's inbox and on the stream's push line, and every service's spans
   * join it.
   */
  @Test
  void aSendIsOneTraceFromTheGatewayToThePushOnAMembersStream() throws Exception {
    String conversationId = api.call("POST", "/conversations", alice,
        "{\"type\":\"group\",\"title\":\"Traced\",\"members\":[\"" + bob + "\",\"" + carol + "\"]}").json("$.conversationId");
    String traceId = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    String parentId = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
    try (ApiClient.Stream stream = api.stream(bob)) {
      ApiClient.Response sent = api.callWithHeaders("POST", "/conversations/" + conversationId + "/messages",
          "{\"clientMsgId\":\"t-1\",\"body\":\"traced\"}", Map.of("Authorization", "Bearer " + api.token(alice),
              "traceparent", "00-" + traceId + "-" + parentId + "-01"));
      assertThat(sent.status()).isEqualTo(201);
      assertThat(stream.next(Duration.ofSeconds(60)).kind()).isEqualTo("message");
    }

    // The per-entry lines carry the trace id as a field of their JSON object.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(linesOf("fanout-service", traceId)).as("stage 2's lines in the trace")
          .anySatisfy(line -> assertThat(message(line)).contains("inbox of " + bob + " holds message " + conversationId + "/1"))
          .anySatisfy(line -> assertThat(message(line)).contains("inbox of " + carol + " holds message " + conversationId + "/1"));
      assertThat(linesOf("sync-service", traceId)).as("the stream's push line in the trace")
          .anySatisfy(line -> assertThat(message(line)).contains("pushed the inbox of " + bob));
    });

    // Spans are exported in batches: every stage's arrive within a few seconds.
    Map<String, List<Span>> byService = new HashMap<>();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      byService.clear();
      for (String service : List.of("gateway-service", "message-service", "fanout-service", "sync-service")) {
        byService.put(service, spansOf(service, traceId));
      }
      assertThat(names(byService.get("gateway-service"))).anyMatch(name -> name.startsWith("http post"));
      assertThat(names(byService.get("message-service"))).anyMatch(name -> name.startsWith("http post"));
      assertThat(names(byService.get("fanout-service"))).contains("fanout expand").contains("fanout inbox");
      assertThat(byService.get("fanout-service")).filteredOn(span -> span.name().equals("fanout inbox")).hasSizeGreaterThanOrEqualTo(2);
      assertThat(names(byService.get("sync-service"))).contains("stream push");
    });
    List<Span> spans = byService.values().stream().flatMap(List::stream).toList();
    // One tree: every span's parent is a span of the trace, or the client's own span.
    Set<String> ids = new HashSet<>(spans.stream().map(Span::id).toList());
    ids.add(parentId);
    assertThat(spans).allSatisfy(span -> assertThat(ids).as(span + "'s parent").contains(span.parent()));
    System.out.println("The trace of one send (" + traceId + "), its spans as the services logged them:");
    printTree(spans, parentId, "  ");
  }

  private record Span(String service, String name, String id, String parent, long micros, String attributes) {}

  private static final Pattern SPAN = Pattern.compile("span (.+) trace=(\\w+) id=(\\w+) parent=(\\w+) kind=\\w+ (\\d+)us (.*)");

  private List<Span> spansOf(String service, String traceId) throws Exception {
    List<Span> spans = new ArrayList<>();
    for (String line : lines(service)) {
      Matcher span = SPAN.matcher(message(line));
      if (span.matches() && span.group(2).equals(traceId)) {
        spans.add(new Span(service, span.group(1), span.group(3), span.group(4), Long.parseLong(span.group(5)), span.group(6)));
      }
    }
    return spans;
  }

  private static List<String> names(List<Span> spans) {
    return spans.stream().map(Span::name).toList();
  }

  private static void printTree(List<Span> spans, String parent, String indent) {
    spans.stream().filter(span -> span.parent().equals(parent)).forEach(span -> {
      System.out.printf("%s%s: %s (%.1f ms) %s%n", indent, span.service(), span.name(), span.micros() / 1000.0, span.attributes());
      printTree(spans, span.id(), indent + "  ");
    });
  }

  private List<String> linesOf(String service, String traceId) throws Exception {
    return lines(service).stream().filter(line -> traceId.equals(field(line, "$.traceId"))).toList();
  }

  private List<String> lines(String service) throws Exception {
    return Files.readAllLines(system.logs().resolve(service + ".log")).stream().filter(line -> line.startsWith("{")).toList();
  }

  private static String message(String line) {
    return field(line, "$.message");
  }

  private static String field(String line, String path) {
    try {
      return JsonPath.read(line, path);
    } catch (RuntimeException missing) {
      return null;
    }
  }
}
