package dev.chatsync.k8s.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * The metadata of KEDA's `kafka` trigger (KEDA 2.20). WRITTEN BY HAND from KEDA's Kafka scaler
 * documentation: KEDA's CRD types trigger metadata as a free map of strings, and the scaler ignores
 * keys it does not know, so a misspelt `lagTreshold` would silently fall back to the default of 10.
 * Each known key with the form of its value; a `FromEnv` variant names a variable of the target's
 * container instead (checked by the policy test). Authentication settings (sasl, tls and their
 * secrets) belong in a TriggerAuthentication and are listed only as keys.
 */
final class Keda {

  enum Form { TEXT, INTEGER, BOOLEAN, OFFSET_RESET, SASL, TLS }

  static final Map<String, Form> KAFKA_METADATA = new TreeMap<>(Map.ofEntries(
      Map.entry("bootstrapServers", Form.TEXT),
      Map.entry("consumerGroup", Form.TEXT),
      Map.entry("topic", Form.TEXT),
      Map.entry("partitionLimitation", Form.TEXT),
      Map.entry("lagThreshold", Form.INTEGER),
      Map.entry("activationLagThreshold", Form.INTEGER),
      Map.entry("offsetResetPolicy", Form.OFFSET_RESET),
      Map.entry("allowIdleConsumers", Form.BOOLEAN),
      Map.entry("excludePersistentLag", Form.BOOLEAN),
      Map.entry("scaleToZeroOnInvalidOffset", Form.BOOLEAN),
      Map.entry("limitToPartitionsWithLag", Form.BOOLEAN),
      Map.entry("ensureEvenDistributionOfPartitions", Form.BOOLEAN),
      Map.entry("version", Form.TEXT),
      Map.entry("sasl", Form.SASL),
      Map.entry("tls", Form.TLS),
      Map.entry("unsafeSsl", Form.BOOLEAN),
      Map.entry("awsRegion", Form.TEXT)));

  /** Keys whose value may come from an environment variable of the target: key + "FromEnv". */
  static final Set<String> FROM_ENV = Set.of("bootstrapServers", "consumerGroup", "topic");

  private Keda() {}

  /** Problems of one kafka trigger's metadata; `path` names the trigger. */
  static List<String> checkKafkaMetadata(JsonNode metadata, String path) {
    List<String> errors = new ArrayList<>();
    if (!metadata.isObject()) {
      return errors; // the schema reports it
    }
    for (Map.Entry<String, JsonNode> e : metadata.properties()) {
      String key = e.getKey();
      String value = e.getValue().asString("");
      if (key.endsWith("FromEnv") && FROM_ENV.contains(key.substring(0, key.length() - "FromEnv".length()))) {
        continue;
      }
      Form form = KAFKA_METADATA.get(key);
      if (form == null) {
        errors.add(path + ".metadata." + key + ": unknown key of the kafka scaler (known: " + KAFKA_METADATA.keySet()
            + ", and " + FROM_ENV.stream().map(k -> k + "FromEnv").sorted().toList() + ")");
        continue;
      }
      String problem = switch (form) {
        case TEXT -> null;
        case INTEGER -> value.matches("-?[0-9]+") ? null : "expected an integer in a string, got \"" + value + "\"";
        case BOOLEAN -> value.equals("true") || value.equals("false") ? null : "expected \"true\" or \"false\", got \"" + value + "\"";
        case OFFSET_RESET -> value.equals("latest") || value.equals("earliest") ? null : "expected latest or earliest, got \"" + value + "\"";
        case SASL -> Set.of("none", "plaintext", "scram_sha256", "scram_sha512", "oauthbearer", "gssapi").contains(value)
            ? null : "not a SASL mode KEDA knows: \"" + value + "\"";
        case TLS -> value.equals("enable") || value.equals("disable") ? null : "expected enable or disable, got \"" + value + "\"";
      };
      if (problem != null) {
        errors.add(path + ".metadata." + key + ": " + problem);
      }
    }
    for (String required : List.of("bootstrapServers", "consumerGroup")) {
      if (!metadata.has(required) && !metadata.has(required + "FromEnv")) {
        errors.add(path + ".metadata: " + required + " (or " + required + "FromEnv) is required by the kafka scaler");
      }
    }
    return errors;
  }
}
