package dev.chatsync.k8s.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** One Kubernetes object of a rendered YAML stream, as a JSON tree (types kept as YAML wrote them). */
record Manifest(ObjectNode node) {

  static final YAMLMapper YAML = new YAMLMapper();

  /** Splits a multi-document YAML stream into objects; empty documents are skipped. */
  static List<Manifest> parseAll(String yaml) {
    List<Manifest> out = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        if (!doc.isObject()) {
          throw new IllegalArgumentException("a YAML document is not an object: " + doc);
        }
        if ("List".equals(doc.path("kind").asString("")) && doc.path("items").isArray()) {
          doc.path("items").forEach(item -> out.add(new Manifest((ObjectNode) item)));
        } else {
          out.add(new Manifest((ObjectNode) doc));
        }
      }
    }
    return out;
  }

  String apiVersion() {
    return node.path("apiVersion").asString("");
  }

  String kind() {
    return node.path("kind").asString("");
  }

  String group() {
    String v = apiVersion();
    int slash = v.indexOf('/');
    return slash < 0 ? "" : v.substring(0, slash);
  }

  String name() {
    return node.path("metadata").path("name").asString("");
  }

  String namespace() {
    return node.path("metadata").path("namespace").asString("");
  }

  /** "Kind/name", the way every message names an object. */
  String id() {
    return kind() + "/" + name();
  }

  JsonNode spec() {
    return node.path("spec");
  }

  Map<String, String> labels() {
    return stringMap(node.path("metadata").path("labels"));
  }

  boolean is(String apiVersion, String kind) {
    return apiVersion().equals(apiVersion) && kind().equals(kind);
  }

  boolean isKind(String kind) {
    return kind().equals(kind);
  }

  /** The pod template of a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob), if it has one. */
  Optional<JsonNode> podTemplate() {
    return switch (kind()) {
      case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" -> Optional.of(spec().path("template"));
      case "CronJob" -> Optional.of(spec().path("jobTemplate").path("spec").path("template"));
      default -> Optional.empty();
    };
  }

  static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    if (node != null && node.isObject()) {
      node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString("")));
    }
    return out;
  }

  @Override
  public String toString() {
    return id();
  }
}
