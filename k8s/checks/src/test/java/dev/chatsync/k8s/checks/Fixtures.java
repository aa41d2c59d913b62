package dev.chatsync.k8s.checks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The test fixtures (src/test/resources/fixtures) and ways to break copies of them. */
final class Fixtures {

  private Fixtures() {}

  static String resource(String name) {
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh copy of the valid prod-like objects. */
  static List<Manifest> prodLike() {
    return Manifest.parseAll(resource("fixtures/prod-like.yaml"));
  }

  /** The facts the fixtures agree with: two topics, their code constants and two consumer groups. */
  static ProjectFacts.Facts facts() {
    return new ProjectFacts.Facts(
        ProjectFacts.topicsConf(resource("fixtures/topics.conf")),
        Map.of("MESSAGES", "chat.messages", "INBOX_APPENDS", "chat.inbox-appends"),
        Map.of("fanout-expand", "chat.messages", "fanout-inbox", "chat.inbox-appends"));
  }

  static Manifest get(List<Manifest> objects, String id) {
    return objects.stream().filter(m -> m.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no " + id + " in " + objects));
  }

  /** Sets the value at a JSON pointer of one object (the parent must exist). */
  static List<Manifest> set(List<Manifest> objects, String id, String pointer, Object value) {
    JsonNode node = value instanceof JsonNode j ? j : Manifest.YAML.valueToTree(value);
    JsonPointer p = JsonPointer.compile(pointer);
    JsonNode parent = get(objects, id).node().at(p.head());
    if (parent instanceof ObjectNode o) {
      o.set(p.last().getMatchingProperty(), node);
    } else if (parent instanceof ArrayNode a) {
      a.set(p.last().getMatchingIndex(), node);
    } else {
      throw new IllegalArgumentException(id + " has nothing at " + p.head());
    }
    return objects;
  }

  static List<Manifest> remove(List<Manifest> objects, String id, String pointer) {
    JsonPointer p = JsonPointer.compile(pointer);
    JsonNode parent = get(objects, id).node().at(p.head());
    if (parent instanceof ObjectNode o && o.has(p.last().getMatchingProperty())) {
      o.remove(p.last().getMatchingProperty());
    } else if (parent instanceof ArrayNode a && p.last().getMatchingIndex() >= 0) {
      a.remove(p.last().getMatchingIndex());
    } else {
      throw new IllegalArgumentException(id + " has nothing at " + pointer);
    }
    return objects;
  }

  /** Renames a field, keeping its value: the misspelling a person makes. */
  static List<Manifest> rename(List<Manifest> objects, String id, String pointer, String newName) {
    JsonPointer p = JsonPointer.compile(pointer);
    JsonNode value = get(objects, id).node().at(p);
    if (value.isMissingNode()) {
      throw new IllegalArgumentException(id + " has nothing at " + pointer);
    }
    remove(objects, id, pointer);
    ((ObjectNode) get(objects, id).node().at(p.head())).set(newName, value);
    return objects;
  }

  static List<Manifest> without(List<Manifest> objects, String id) {
    List<Manifest> out = new ArrayList<>(objects);
    out.remove(get(objects, id));
    return out;
  }

  static List<Manifest> with(List<Manifest> objects, String yaml) {
    List<Manifest> out = new ArrayList<>(objects);
    out.addAll(Manifest.parseAll(yaml));
    return out;
  }

  static List<String> schemaErrors(List<Manifest> objects, String id) {
    return Schemas.validate(get(objects, id));
  }
}
