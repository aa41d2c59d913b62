package dev.chatsync.system;

import static org.awaitility.Awaitility.await;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API description a gateway serves ({@code /api/v1/openapi.json}), held against the answers the
 * tests get: every answer's status must be one its operation describes, and its JSON body must fit
 * the described schema. Every system test's calls go through it (ApiClient), so the description
 * cannot drift from what the services answer.
 */
final class OpenApiContract {

  private static final String BASE = "https://chatsync.test/openapi.json";
  private static final String STREAM = "/api/v1/stream";
  private static final Map<Integer, OpenApiContract> BY_GATEWAY = new ConcurrentHashMap<>();

  private record Operation(String method, Pattern path, String template) {}

  private final JsonNode document;
  private final SchemaRegistry schemas;
  private final List<Operation> operations = new ArrayList<>();
  private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

  private OpenApiContract(String raw) {
    this.document = JsonMapper.builder().build().readTree(raw);
    this.schemas = SchemaRegistry.withDialect(Dialects.getOpenApi31(), builder -> builder.schemas(Map.of(BASE, raw)));
    document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> operations.add(
        new Operation(operation.getKey().toUpperCase(), pattern(path.getKey()), path.getKey()))));
    // Where two templates match a path, the one with more literal segments is the one meant.
    operations.sort(Comparator.comparingLong((Operation operation) -> operation.template().chars().filter(c -> c == '{').count()));
  }

  /**
   * The description the gateway on this port serves, read once. A test's first call may come while
   * a service is away or busy (a fault the test injects, a load it drives): the read is tried again
   * for a minute.
   */
  static OpenApiContract of(int gatewayPort) {
    return BY_GATEWAY.computeIfAbsent(gatewayPort, port -> {
      AtomicReference<String> last = new AtomicReference<>();
      try {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
          HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + port + "/api/v1/openapi.json")).timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofString());
          last.set(response.statusCode() + ": " + response.body());
          return response.statusCode() == 200;
        });
      } catch (ConditionTimeoutException never) {
        throw new AssertionError("the gateway on " + port + " served no API description within a minute; last answer "
            + last.get(), never);
      }
      return new OpenApiContract(last.get().substring("200: ".length()));
    });
  }

  /**
   * Throws when the answer breaks the description. A path no operation describes is let through
   * only as a 404 (the gateway routes nothing there).
   */
  void check(String method, String pathAndQuery, int status, String contentType, String body) {
    String path = pathAndQuery.split("\\?", 2)[0];
    Operation operation = operations.stream()
        .filter(candidate -> candidate.method().equals(method) && candidate.path().matcher(path).matches())
        .findFirst().orElse(null);
    if (operation == null) {
      if (status != 404) {
        throw new AssertionError("no operation of the API description is " + method + " " + path + " (answered " + status + ")");
      }
      return;
    }
    JsonNode responses = document.path("paths").path(operation.template()).path(method.toLowerCase()).path("responses");
    if (!responses.has(Integer.toString(status))) {
      throw new AssertionError(method + " " + operation.template() + " answered " + status + ", which its description does not"
          + " list (it lists " + responses.propertyNames() + "): " + body);
    }
    if (body == null || body.isBlank() || contentType == null) {
      return;
    }
    String mediaType = contentType.split(";", 2)[0].strip();
    JsonNode content = responses.path(Integer.toString(status)).path("content");
    if (!content.has(mediaType)) {
      throw new AssertionError(method + " " + operation.template() + " answered " + status + " as " + mediaType
          + ", which its description does not list (it lists " + content.propertyNames() + ")");
    }
    validate(pointer("paths", operation.template(), method.toLowerCase(), "responses", Integer.toString(status), "content",
        mediaType, "schema"), body, method + " " + operation.template() + " " + status);
  }

  /** Throws when a stream event's data breaks the entry schema the description gives the stream's events. */
  void checkStreamEvent(String kind, String id, String data) {
    String schema = switch (kind) {
      case "cursor-expired" -> "/components/schemas/Problem";
      // A message without an inbox id: a read-fanout group's, pushed live.
      case "message" -> id == null ? "/components/schemas/LiveMessage" : "/components/schemas/SyncEntry";
      // The stream's schema allows any of its event shapes; each event must fit its own.
      case "typing" -> "/components/schemas/TypingEvent";
      case "presence" -> "/components/schemas/PresenceEvent";
      default -> "/components/schemas/SyncEntry";
    };
    validate(schema, data, "a " + kind + " event of " + STREAM);
  }

  private void validate(String pointer, String json, String what) {
    Schema schema = compiled.computeIfAbsent(pointer, at -> schemas.getSchema(SchemaLocation.of(BASE + "#" + at)));
    List<com.networknt.schema.Error> errors = schema.validate(json, InputFormat.JSON);
    if (!errors.isEmpty()) {
      throw new AssertionError(what + " breaks its described schema: " + errors + "\n  body: " + json);
    }
  }

  /** A path template as a pattern: each {variable} one segment, the rest literal. */
  private static Pattern pattern(String template) {
    StringBuilder pattern = new StringBuilder();
    for (String segment : template.split("/", -1)) {
      if (!pattern.isEmpty() || !segment.isEmpty()) {
        pattern.append('/');
      }
      pattern.append(segment.startsWith("{") && segment.endsWith("}") ? "[^/]+" : Pattern.quote(segment));
    }
    return Pattern.compile(pattern.toString());
  }

  private static String pointer(String... tokens) {
    StringBuilder pointer = new StringBuilder();
    for (String token : tokens) {
      pointer.append('/').append(token.replace("~", "~0").replace("/", "~1"));
    }
    return pointer.toString();
  }
}
