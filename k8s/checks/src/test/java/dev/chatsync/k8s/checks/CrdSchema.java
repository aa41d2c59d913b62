package dev.chatsync.k8s.checks;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A custom resource's schema: a CRD version's openAPIV3Schema (Kubernetes' structural-schema dialect
 * of OpenAPI 3.0) turned into a JSON Schema that refuses what the API server would prune or refuse,
 * then checked with networknt's json-schema-validator:
 *
 * <ul>
 *   <li>objects with declared properties get {@code additionalProperties: false}, so an unknown or
 *       misspelt field fails, except under {@code x-kubernetes-preserve-unknown-fields: true};
 *   <li>{@code x-kubernetes-int-or-string} becomes "integer or string"; {@code nullable} allows null;
 *   <li>types, enums, required fields, minimum/maximum, patterns and oneOf/anyOf rules are checked as
 *       the schema states them; there is no coercion ("3" is not an integer).
 * </ul>
 *
 * <p>Not checked: CEL rules ({@code x-kubernetes-validations}), {@code format}s, list-type/map-type
 * uniqueness and defaults. The object's metadata is checked against the core ObjectMeta by
 * {@link CoreSchema}. A schema node marked {@code x-chatsync-core-model: V1Something} (only in the
 * hand-written schemas) is checked by {@link CoreSchema} against that core model instead.
 */
final class CrdSchema {

  static final String CORE_MODEL = "x-chatsync-core-model";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);

  private final String name;
  private final JsonNode openApi;
  private final Schema schema;

  private CrdSchema(String name, JsonNode openApi) {
    this.name = name;
    this.openApi = openApi;
    ObjectNode converted = (ObjectNode) convert(openApi, Mode.STRUCTURAL);
    // The API server handles metadata itself; it is checked against ObjectMeta below.
    JsonNode props = converted.path("properties");
    if (props.isObject()) {
      ((ObjectNode) props).set("metadata", NODES.objectNode().put("type", "object"));
    }
    this.schema = REGISTRY.getSchema(converted);
  }

  /** The schema of a CRD (the parsed CustomResourceDefinition) at one of its versions. */
  static CrdSchema fromCrd(JsonNode crd, String version) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (version.equals(v.path("name").asString(""))) {
        JsonNode s = v.path("schema").path("openAPIV3Schema");
        if (s.isMissingNode()) {
          throw new IllegalArgumentException("CRD " + crd.path("metadata").path("name").asString() + " " + version + " has no schema");
        }
        return new CrdSchema(crd.path("metadata").path("name").asString() + " " + version, s);
      }
    }
    throw new IllegalArgumentException("CRD " + crd.path("metadata").path("name").asString() + " serves no version " + version);
  }

  /** A schema written in the same dialect (the hand-written ones). */
  static CrdSchema fromOpenApi(String name, JsonNode openApi) {
    return new CrdSchema(name, openApi);
  }

  String name() {
    return name;
  }

  List<String> validate(Manifest m) {
    List<String> errors = new ArrayList<>();
    for (Error e : schema.validate(m.node())) {
      errors.add(format(e));
    }
    errors.addAll(CoreSchema.validate(m.node().path("metadata"), "V1ObjectMeta", "metadata"));
    coreHooks(openApi, m.node(), "", errors);
    if (m.name().isEmpty()) {
      errors.add("metadata.name: required");
    }
    return errors;
  }

  /** networknt's error in the style of CoreSchema's: dotted path, then what is wrong. */
  private static String format(Error e) {
    String path = dotted(e.getInstanceLocation().toString());
    if ("additionalProperties".equals(e.getKeyword()) && e.getProperty() != null) {
      String field = e.getProperty();
      return (path.isEmpty() ? field : path + "." + field) + ": unknown field \"" + field + "\"";
    }
    String message = e.getMessage();
    String prefix = e.getInstanceLocation().toString() + ": ";
    if (message.startsWith(prefix)) {
      message = message.substring(prefix.length());
    }
    return (path.isEmpty() ? "(root)" : path) + ": " + message;
  }

  /** "/spec/listeners/0/type" (a JSON pointer) as "spec.listeners[0].type". */
  static String dotted(String pointer) {
    StringBuilder out = new StringBuilder();
    String p = pointer.startsWith("$") ? pointer.substring(1) : pointer;
    for (String segment : p.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      String key = segment.replace("~1", "/").replace("~0", "~");
      if (key.matches("[0-9]+")) {
        out.append('[').append(key).append(']');
      } else {
        out.append(out.length() == 0 ? "" : ".").append(key);
      }
    }
    return out.toString();
  }

  /** Runs CoreSchema on the instance nodes whose schema carries the core-model marker. */
  private static void coreHooks(JsonNode s, JsonNode instance, String path, List<String> errors) {
    if (instance == null || instance.isMissingNode() || instance.isNull()) {
      return;
    }
    if (s.has(CORE_MODEL)) {
      errors.addAll(CoreSchema.validate(instance, s.get(CORE_MODEL).asString(), path));
      return;
    }
    if (instance.isObject() && s.path("properties").isObject()) {
      s.path("properties").properties().forEach(p -> {
        JsonNode child = instance.get(p.getKey());
        if (child != null) {
          coreHooks(p.getValue(), child, path.isEmpty() ? p.getKey() : path + "." + p.getKey(), errors);
        }
      });
    }
    if (instance.isArray() && s.path("items").isObject()) {
      for (int i = 0; i < instance.size(); i++) {
        coreHooks(s.path("items"), instance.get(i), path + "[" + i + "]", errors);
      }
    }
  }

  private enum Mode { STRUCTURAL, VALUE_VALIDATION }

  /** A copy of a structural-schema node as a JSON Schema (draft 4) node; see the class comment. */
  static JsonNode convert(JsonNode s, Mode mode) {
    if (!s.isObject()) {
      return s;
    }
    if (s.has(CORE_MODEL)) {
      return NODES.objectNode(); // checked by CoreSchema instead
    }
    ObjectNode out = NODES.objectNode();
    boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    boolean intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
    boolean nullable = s.path("nullable").asBoolean(false);
    for (Map.Entry<String, JsonNode> e : s.properties()) {
      String k = e.getKey();
      JsonNode v = e.getValue();
      switch (k) {
        case "properties", "patternProperties", "definitions" -> {
          ObjectNode props = out.putObject(k);
          v.properties().forEach(p -> props.set(p.getKey(), convert(p.getValue(), mode)));
        }
        case "items", "not" -> out.set(k, v.isArray() ? convertAll(v, mode) : convert(v, k.equals("not") ? Mode.VALUE_VALIDATION : mode));
        case "additionalProperties" -> out.set(k, v.isObject() ? convert(v, mode) : v);
        case "allOf", "anyOf", "oneOf" -> out.set(k, convertAll(v, Mode.VALUE_VALIDATION));
        case "type" -> {
          if (!intOrString) {
            out.set(k, v);
          }
        }
        case "format", "nullable", "description", "example", "externalDocs", "default" -> { }
        default -> {
          if (!k.startsWith("x-")) {
            out.set(k, v);
          }
        }
      }
    }
    if (intOrString && !s.has("anyOf")) {
      ArrayNode any = out.putArray("anyOf");
      any.addObject().put("type", "integer");
      any.addObject().put("type", "string");
    }
    if (nullable && out.has("type")) {
      ArrayNode types = NODES.arrayNode().add(out.get("type").asString()).add("null");
      out.set("type", types);
    }
    boolean isObject = "object".equals(s.path("type").asString("")) || s.has("properties");
    if (mode == Mode.STRUCTURAL && isObject && !preserve && !s.has("additionalProperties")) {
      out.put("additionalProperties", false);
    }
    return out;
  }

  private static ArrayNode convertAll(JsonNode array, Mode mode) {
    ArrayNode out = NODES.arrayNode();
    array.forEach(n -> out.add(convert(n, mode)));
    return out;
  }
}
