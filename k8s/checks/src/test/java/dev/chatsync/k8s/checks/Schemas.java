package dev.chatsync.k8s.checks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * Which schema checks which object, and the single entry point: {@link #validate(Manifest)}.
 *
 * <ul>
 *   <li>core kinds: {@link CoreSchema} (the Kubernetes API through the official Java client's models);
 *   <li>kafka.strimzi.io/v1: the CRDs Strimzi's generator writes at test time ({@link StrimziCrds});
 *   <li>K8ssandraCluster, ScaledObject, HTTPRoute: hand-written schemas in
 *       src/test/resources/handwritten (see the comment at the top of each), plus {@link Keda} for
 *       the kafka trigger's metadata;
 *   <li>anything else: an error, so that a new kind cannot pass unchecked.
 * </ul>
 */
final class Schemas {

  static final Map<String, String> HANDWRITTEN = Map.of(
      "k8ssandra.io/v1alpha1/K8ssandraCluster", "handwritten/k8ssandracluster.k8ssandra.io-v1alpha1.yaml",
      "keda.sh/v1alpha1/ScaledObject", "handwritten/scaledobject.keda.sh-v1alpha1.yaml",
      "gateway.networking.k8s.io/v1/HTTPRoute", "handwritten/httproute.gateway.networking.k8s.io-v1.yaml");

  private static final Map<String, CrdSchema> CACHE = new ConcurrentHashMap<>();

  private Schemas() {}

  /** What checks an object, for the summary line. */
  static String source(Manifest m) {
    String key = m.apiVersion() + "/" + m.kind();
    if (CoreSchema.covers(m)) return "Kubernetes API (client-java models)";
    if (isStrimzi(m)) return "Strimzi CRD";
    if (HANDWRITTEN.containsKey(key)) return "hand-written schema";
    return "no schema";
  }

  static List<String> validate(Manifest m) {
    String key = m.apiVersion() + "/" + m.kind();
    if (CoreSchema.covers(m)) {
      return CoreSchema.validate(m);
    }
    if (isStrimzi(m)) {
      return CACHE.computeIfAbsent(key, k -> strimzi(m.kind())).validate(m);
    }
    String resource = HANDWRITTEN.get(key);
    if (resource != null) {
      List<String> errors = new ArrayList<>(CACHE.computeIfAbsent(key, k -> handwritten(resource)).validate(m));
      if (m.isKind("ScaledObject")) {
        JsonNode triggers = m.spec().path("triggers");
        for (int i = 0; i < triggers.size(); i++) {
          if ("kafka".equals(triggers.get(i).path("type").asString(""))) {
            errors.addAll(Keda.checkKafkaMetadata(triggers.get(i).path("metadata"), "spec.triggers[" + i + "]"));
          }
        }
      }
      return errors;
    }
    return List.of("no schema for " + m.apiVersion() + " " + m.kind()
        + " (core kinds: CoreSchema.KINDS; Strimzi: StrimziCrds.CLASSES; others: Schemas.HANDWRITTEN)");
  }

  static boolean isStrimzi(Manifest m) {
    return m.apiVersion().equals("kafka.strimzi.io/" + StrimziCrds.API_VERSION) && StrimziCrds.CLASSES.containsKey(m.kind());
  }

  private static CrdSchema strimzi(String kind) {
    Path crd = StrimziCrds.crds().get(kind);
    JsonNode node = Manifest.parseAll(Repo.read(crd)).get(0).node();
    return CrdSchema.fromCrd(node, StrimziCrds.API_VERSION);
  }

  static CrdSchema handwritten(String resource) {
    try (InputStream in = Schemas.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      JsonNode schema = Manifest.YAML.readTree(in);
      return CrdSchema.fromOpenApi(resource, schema);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
