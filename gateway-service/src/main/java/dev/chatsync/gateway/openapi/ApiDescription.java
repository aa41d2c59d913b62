package dev.chatsync.gateway.openapi;

import dev.chatsync.contracts.web.openapi.ErrorMeanings;
import dev.chatsync.gateway.auth.AuthProperties;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole API's description, merged from the services' own (each generated from its code by
 * springdoc) and completed with what only the gateway knows: the bearer token every endpoint needs,
 * the device header, the answers the gateway gives before a request reaches a service (429 for every
 * endpoint, 413 for a body past its size limit) and the dev-token endpoint where it is on.
 */
final class ApiDescription {

  private static final Log log = LogFactory.getLog(ApiDescription.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");
  private static final String SCHEMAS = "#/components/schemas/";

  private final AuthProperties auth;
  private final JsonMapper mapper;

  ApiDescription(AuthProperties auth, JsonMapper mapper) {
    this.auth = auth;
    this.mapper = mapper;
  }

  /**
   * Merges the services' descriptions (by service name): their paths, tags and schemas, in one
   * document. Two services that name a schema alike must describe it alike.
   */
  ObjectNode merge(Map<String, JsonNode> byService) {
    ObjectNode merged = skeleton();
    ObjectNode paths = merged.putObject("paths");
    ObjectNode schemas = ((ObjectNode) merged.get("components")).putObject("schemas");
    Map<String, JsonNode> tags = new TreeMap<>();
    new TreeMap<>(byService).forEach((service, description) -> {
      description.path("paths").properties().forEach(path -> {
        if (paths.has(path.getKey())) {
          throw new IllegalStateException(service + " describes " + path.getKey() + ", which another service does too");
        }
        paths.set(path.getKey(), path.getValue());
      });
      description.path("components").path("schemas").properties().forEach(schema -> {
        JsonNode known = schemas.get(schema.getKey());
        if (known != null && !known.equals(schema.getValue())) {
          throw new IllegalStateException("schema " + schema.getKey() + " of " + service + " differs from another service's");
        }
        schemas.set(schema.getKey(), schema.getValue());
      });
      description.path("tags").forEach(tag -> tags.merge(tag.path("name").asString(), tag,
          (one, other) -> one.has("description") ? one : other));
    });
    if (auth.devTokens()) {
      addDevTokens(paths, schemas);
      tags.put("Dev tokens", JSON.objectNode().put("name", "Dev tokens").put("description", "Tokens for trying the system locally"));
    }
    paths.properties().forEach(path -> METHODS.forEach(method -> {
      if (path.getValue().get(method) instanceof ObjectNode operation) {
        completeOperation(operation);
      }
    }));
    ArrayNode tagList = merged.putArray("tags");
    tags.values().forEach(tagList::add);
    return merged;
  }

  private ObjectNode skeleton() {
    ObjectNode merged = JSON.objectNode();
    merged.put("openapi", "3.1.0");
    ObjectNode info = merged.putObject("info");
    info.put("title", "chatsync API");
    info.put("version", "v1");
    info.put("description", "Message sync for chat apps: conversations, messages, every device's inbox (pulled with /sync, "
        + "pushed on /stream), read state and receipts. Every error is application/problem+json. Generated from the "
        + "services' code and merged by the gateway; docs/api.md in the repository tells the same contract in prose.");
    info.putObject("contact").put("name", "the team that runs this deployment");
    info.putObject("license").put("name", "Apache-2.0").put("identifier", "Apache-2.0");
    merged.putArray("servers").addObject().put("url", "/").put("description", "this gateway");
    ObjectNode components = merged.putObject("components");
    components.putObject("securitySchemes").putObject("bearer").put("type", "http").put("scheme", "bearer")
        .put("bearerFormat", "JWT").put("description", "sub is the user id; see docs/api.md, \"Identity\"");
    components.putObject("parameters").putObject("DeviceId")
        .put("name", "X-Device-Id").put("in", "header").put("required", false)
        .put("description", "The caller's device (1-64 characters of [A-Za-z0-9._-]; `default` when absent)")
        .putObject("schema").put("type", "string").put("pattern", "^[A-Za-z0-9._-]{1,64}$");
    merged.putArray("security").addObject().putArray("bearer");
    return merged;
  }

  /** What the gateway adds to each operation: the device header and its own refusals. */
  private void completeOperation(ObjectNode operation) {
    ArrayNode parameters = operation.has("parameters") ? (ArrayNode) operation.get("parameters") : operation.putArray("parameters");
    parameters.addObject().put("$ref", "#/components/parameters/DeviceId");
    ObjectNode responses = (ObjectNode) operation.get("responses");
    // An operation open to all (security: []) is the gateway's own: no token to refuse, no route
    // to rate-limit or to bound the body of.
    if (!operation.has("security")) {
      responses.set("401", problem(401));
      responses.set("429", problem(429));
      if (operation.has("requestBody")) {
        responses.set("413", problem(413));
      }
    }
  }

  private static ObjectNode problem(int status) {
    ObjectNode response = JSON.objectNode().put("description", ErrorMeanings.of(status));
    response.putObject("content").putObject(ErrorMeanings.PROBLEM_JSON).putObject("schema")
        .put("$ref", SCHEMAS + ErrorMeanings.PROBLEM_SCHEMA);
    return response;
  }

  /** {@code POST /api/v1/dev/tokens}, the gateway's own endpoint, there only where dev tokens are on. */
  private void addDevTokens(ObjectNode paths, ObjectNode schemas) {
    ObjectNode request = schemas.putObject("DevTokenRequest").put("type", "object");
    request.putArray("required").add("userId");
    request.putObject("properties").putObject("userId").put("type", "string").put("pattern", "^[A-Za-z0-9._-]{1,64}$");
    ObjectNode token = schemas.putObject("DevToken").put("type", "object");
    token.putArray("required").add("token").add("userId").add("expiresAt");
    ObjectNode properties = token.putObject("properties");
    properties.putObject("token").put("type", "string").put("description", "an HS256 JWT for the user");
    properties.putObject("userId").put("type", "string");
    properties.putObject("expiresAt").put("type", "string").put("format", "date-time");

    ObjectNode operation = paths.putObject("/api/v1/dev/tokens").putObject("post");
    operation.put("operationId", "issueDevToken").put("summary", "Get a token for any user (local only)")
        .put("description", "Hands a token for any user to anyone: exists only where chat.auth.dev-tokens is true (the "
            + "local profile), never in production.");
    operation.putArray("tags").add("Dev tokens");
    operation.putArray("security");
    operation.putObject("requestBody").put("required", true).putObject("content").putObject("application/json")
        .putObject("schema").put("$ref", SCHEMAS + "DevTokenRequest");
    ObjectNode responses = operation.putObject("responses");
    responses.putObject("200").put("description", "the token").putObject("content").putObject("application/json")
        .putObject("schema").put("$ref", SCHEMAS + "DevToken");
    responses.set("400", problem(400));
  }

  JsonNode parse(String service, String body) {
    JsonNode description = mapper.readTree(body);
    if (!description.path("paths").isObject()) {
      throw new IllegalStateException(service + " answered a description without paths");
    }
    if (!description.path("openapi").asString().startsWith("3.1")) {
      log.warn(service + " describes its API in OpenAPI " + description.path("openapi").asString() + ", not 3.1");
    }
    return description;
  }
}
