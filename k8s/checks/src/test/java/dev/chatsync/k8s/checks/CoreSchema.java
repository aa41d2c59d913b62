package dev.chatsync.k8s.checks;

import com.google.gson.annotations.SerializedName;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * Validates core Kubernetes objects offline against the Kubernetes API as the official Java client
 * ({@code io.kubernetes:client-java-api}) models it: its classes are generated from the API's OpenAPI
 * document, one class per schema, one field per property, with the JSON property names, the Java
 * types and the required properties of the API. This walks the JSON tree of an object next to those
 * classes and reports:
 *
 * <ul>
 *   <li>unknown fields, at any depth (a misspelt field is an unknown one);
 *   <li>wrong JSON types, strictly: no coercion, so {@code "3"} is not an integer, {@code 3} is not a
 *       string and {@code "true"} is not a boolean; quantities must parse as Kubernetes quantities,
 *       int-or-string fields take an integer or a string, timestamps must be RFC 3339;
 *   <li>missing required fields (those the OpenAPI document marks required);
 *   <li>bad enum values, for the fields listed in {@link CoreEnums} (written by hand, see there).
 * </ul>
 *
 * <p>What it does not catch: the API server's own validation beyond the schema (name formats, label
 * value syntax, port ranges, selector-matches-template, mutually exclusive fields, field values that
 * depend on others, immutable fields, admission policies) and the enum values of fields that
 * {@link CoreEnums} does not list.
 */
final class CoreSchema {

  static final String MODELS = "io.kubernetes.client.openapi.models.";

  /**
   * The API groups/versions/kinds these checks accept, and the client model of each. A kind not here
   * fails with "no schema" rather than passing unchecked: add it here when the manifests start to use it.
   */
  static final Map<String, String> KINDS = Map.ofEntries(
      Map.entry("v1/ConfigMap", "V1ConfigMap"),
      Map.entry("v1/Secret", "V1Secret"),
      Map.entry("v1/Service", "V1Service"),
      Map.entry("v1/ServiceAccount", "V1ServiceAccount"),
      Map.entry("v1/Namespace", "V1Namespace"),
      Map.entry("v1/PersistentVolumeClaim", "V1PersistentVolumeClaim"),
      Map.entry("v1/Pod", "V1Pod"),
      Map.entry("v1/LimitRange", "V1LimitRange"),
      Map.entry("v1/ResourceQuota", "V1ResourceQuota"),
      Map.entry("apps/v1/Deployment", "V1Deployment"),
      Map.entry("apps/v1/StatefulSet", "V1StatefulSet"),
      Map.entry("apps/v1/DaemonSet", "V1DaemonSet"),
      Map.entry("batch/v1/Job", "V1Job"),
      Map.entry("batch/v1/CronJob", "V1CronJob"),
      Map.entry("autoscaling/v2/HorizontalPodAutoscaler", "V2HorizontalPodAutoscaler"),
      Map.entry("policy/v1/PodDisruptionBudget", "V1PodDisruptionBudget"),
      Map.entry("networking.k8s.io/v1/NetworkPolicy", "V1NetworkPolicy"),
      Map.entry("networking.k8s.io/v1/Ingress", "V1Ingress"),
      Map.entry("rbac.authorization.k8s.io/v1/Role", "V1Role"),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", "V1RoleBinding"),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", "V1ClusterRole"),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", "V1ClusterRoleBinding"));

  private static final Map<Class<?>, Model> MODELS_BY_CLASS = new ConcurrentHashMap<>();

  private CoreSchema() {}

  static boolean covers(Manifest m) {
    return KINDS.containsKey(m.apiVersion() + "/" + m.kind());
  }

  /** The problems of one core object; each message starts with the field path. */
  static List<String> validate(Manifest m) {
    String model = KINDS.get(m.apiVersion() + "/" + m.kind());
    if (model == null) {
      return List.of("no schema for " + m.apiVersion() + " " + m.kind() + " (add it to CoreSchema.KINDS)");
    }
    List<String> errors = new ArrayList<>();
    validate(m.node(), modelClass(model), "", errors);
    if (m.name().isEmpty()) {
      errors.add("metadata.name: required");
    }
    return errors;
  }

  /** Validates any JSON subtree against a client model (used for core types embedded in custom resources). */
  static List<String> validate(JsonNode node, String modelClassSimpleName, String path) {
    List<String> errors = new ArrayList<>();
    validate(node, modelClass(modelClassSimpleName), path, errors);
    return errors;
  }

  static Class<?> modelClass(String simpleName) {
    try {
      return Class.forName(MODELS + simpleName);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("client-java has no model " + simpleName, e);
    }
  }

  private static void validate(JsonNode node, Type type, String path, List<String> errors) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return; // null means "not set" to the API server
    }
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) {
        if (!node.isArray()) {
          errors.add(at(path) + "expected an array, got " + describe(node));
          return;
        }
        for (int i = 0; i < node.size(); i++) {
          validate(node.get(i), args[0], path + "[" + i + "]", errors);
        }
        return;
      }
      if (Map.class.isAssignableFrom(raw)) {
        if (!node.isObject()) {
          errors.add(at(path) + "expected an object, got " + describe(node));
          return;
        }
        node.properties().forEach(e -> validate(e.getValue(), args[1], child(path, e.getKey()), errors));
        return;
      }
      throw new IllegalStateException("no rule for " + type + " at " + path);
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      if (!node.isString()) errors.add(at(path) + "expected a string, got " + describe(node));
    } else if (c == Integer.class || c == Long.class) {
      if (!node.isIntegralNumber()) {
        errors.add(at(path) + "expected an integer, got " + describe(node));
      } else if (c == Integer.class && !node.canConvertToInt()) {
        errors.add(at(path) + "integer out of int32 range: " + node);
      }
    } else if (c == Double.class || c == Float.class) {
      if (!node.isNumber()) errors.add(at(path) + "expected a number, got " + describe(node));
    } else if (c == Boolean.class) {
      if (!node.isBoolean()) errors.add(at(path) + "expected a boolean, got " + describe(node));
    } else if (c == IntOrString.class) {
      if (!node.isIntegralNumber() && !node.isString()) {
        errors.add(at(path) + "expected an integer or a string, got " + describe(node));
      }
    } else if (c == Quantity.class) {
      if (node.isString()) {
        try {
          Quantity.fromString(node.asString());
        } catch (RuntimeException e) {
          errors.add(at(path) + "not a Kubernetes quantity: \"" + node.asString() + "\"");
        }
      } else if (!node.isNumber()) {
        errors.add(at(path) + "expected a quantity (string or number), got " + describe(node));
      }
    } else if (c == OffsetDateTime.class) {
      if (!node.isString()) {
        errors.add(at(path) + "expected an RFC 3339 timestamp string, got " + describe(node));
      } else {
        try {
          OffsetDateTime.parse(node.asString());
        } catch (DateTimeParseException e) {
          errors.add(at(path) + "not an RFC 3339 timestamp: \"" + node.asString() + "\"");
        }
      }
    } else if (c == byte[].class) {
      if (!node.isString()) {
        errors.add(at(path) + "expected a base64 string, got " + describe(node));
      } else {
        try {
          Base64.getDecoder().decode(node.asString().replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
          errors.add(at(path) + "not valid base64");
        }
      }
    } else if (c == Object.class) {
      // free-form in the API (e.g. a JSON schema's default): anything goes
    } else if (c.getName().startsWith(MODELS)) {
      validateModel(node, model(c), path, errors);
    } else {
      throw new IllegalStateException("no rule for " + c.getName() + " at " + path);
    }
  }

  private static void validateModel(JsonNode node, Model model, String path, List<String> errors) {
    if (!node.isObject()) {
      errors.add(at(path) + "expected an object (" + model.name + "), got " + describe(node));
      return;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String childPath = child(path, e.getKey());
      Field field = model.fields.get(e.getKey());
      if (field == null) {
        errors.add(at(childPath) + "unknown field \"" + e.getKey() + "\" in " + model.name);
        continue;
      }
      validate(e.getValue(), field.getGenericType(), childPath, errors);
      Set<String> allowed = CoreEnums.allowed(model.name, e.getKey());
      if (allowed != null) {
        checkEnum(e.getValue(), allowed, childPath, errors);
      }
    }
    for (String required : model.required) {
      JsonNode value = node.get(required);
      if (value == null || value.isNull()) {
        errors.add(at(child(path, required)) + "required field missing in " + model.name);
      }
    }
  }

  private static void checkEnum(JsonNode value, Set<String> allowed, String path, List<String> errors) {
    if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        checkEnum(value.get(i), allowed, path + "[" + i + "]", errors);
      }
    } else if (value.isString() && !allowed.contains(value.asString())) {
      errors.add(at(path) + "\"" + value.asString() + "\" is not one of " + allowed);
    }
  }

  private static Model model(Class<?> c) {
    return MODELS_BY_CLASS.computeIfAbsent(c, Model::of);
  }

  private record Model(String name, Map<String, Field> fields, Set<String> required) {
    static Model of(Class<?> c) {
      Map<String, Field> fields = new LinkedHashMap<>();
      for (Field f : c.getDeclaredFields()) {
        SerializedName json = f.getAnnotation(SerializedName.class);
        if (json != null && !Modifier.isStatic(f.getModifiers())) {
          fields.put(json.value(), f);
        }
      }
      if (fields.isEmpty()) {
        throw new IllegalStateException(c.getName() + " has no JSON fields: not a client model");
      }
      Set<String> required = new TreeSet<>();
      try {
        Field f = c.getField("openapiRequiredFields");
        @SuppressWarnings("unchecked")
        Set<String> declared = (Set<String>) f.get(null);
        required.addAll(declared);
      } catch (NoSuchFieldException | IllegalAccessException e) {
        // a model without required fields
      }
      return new Model(c.getSimpleName(), fields, required);
    }
  }

  static String describe(JsonNode node) {
    if (node.isString()) return "string \"" + node.asString() + "\"";
    if (node.isIntegralNumber()) return "integer " + node;
    if (node.isNumber()) return "number " + node;
    if (node.isBoolean()) return "boolean " + node;
    if (node.isArray()) return "an array";
    if (node.isObject()) return "an object";
    return node.toString();
  }

  private static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String at(String path) {
    return (path.isEmpty() ? "(root)" : path) + ": ";
  }
}
