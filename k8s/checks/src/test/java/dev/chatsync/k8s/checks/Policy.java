package dev.chatsync.k8s.checks;

import io.kubernetes.client.custom.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * chatsync's deployment policy over one rendered overlay. Each rule returns its violations as
 * "[rule] Kind/name: what is wrong"; an empty list is a pass.
 */
final class Policy {

  /** A named exemption: which rule, which objects, and why. */
  record Exemption(String rule, String what, String why) {}

  /** Every exemption the rules below make, named here in one place. */
  static final List<Exemption> EXEMPTIONS = List.of(
      new Exemption("probes", "Job and CronJob containers",
          "they run to completion: a liveness probe would only restart a finishing container, and nothing routes to them"),
      new Exemption("probes", "init containers that are not sidecars (no restartPolicy: Always)",
          "the API refuses liveness and readiness probes on them; they run before the pod is ready"),
      new Exemption("secrets", "references marked optional: true",
          "the pod starts without them"));

  private Policy() {}

  static List<String> check(List<Manifest> objects, ProjectFacts.Facts facts) {
    List<String> out = new ArrayList<>();
    out.addAll(probes(objects));
    out.addAll(resources(objects));
    out.addAll(nonRoot(objects));
    out.addAll(privilegeEscalation(objects));
    out.addAll(imageTags(objects));
    out.addAll(secrets(objects, UserSecrets.SECRETS));
    out.addAll(topics(objects, facts));
    out.addAll(keda(objects, facts));
    out.addAll(selectors(objects));
    out.addAll(networkPolicies(objects));
    out.addAll(autoscalerTargets(objects));
    out.addAll(namedPorts(objects));
    return out;
  }

  // ---- containers ----------------------------------------------------------------------------

  /** A container of a pod template, with the pod spec around it. */
  record Container(Manifest owner, JsonNode podSpec, JsonNode node, boolean init) {
    String name() {
      return node.path("name").asString("?");
    }

    String id() {
      return owner.id() + " " + (init ? "init container " : "container ") + name();
    }

    boolean sidecar() {
      return init && "Always".equals(node.path("restartPolicy").asString(""));
    }
  }

  static List<Container> containers(List<Manifest> objects) {
    List<Container> out = new ArrayList<>();
    for (Manifest m : objects) {
      Optional<JsonNode> template = m.podTemplate();
      if (template.isEmpty()) {
        continue;
      }
      JsonNode spec = template.get().path("spec");
      spec.path("initContainers").forEach(c -> out.add(new Container(m, spec, c, true)));
      spec.path("containers").forEach(c -> out.add(new Container(m, spec, c, false)));
    }
    return out;
  }

  static List<String> probes(List<Manifest> objects) {
    List<String> out = new ArrayList<>();
    for (Container c : containers(objects)) {
      if (c.owner().isKind("Job") || c.owner().isKind("CronJob")) {
        continue; // exempt: EXEMPTIONS
      }
      if (c.init() && !c.sidecar()) {
        continue; // exempt: EXEMPTIONS
      }
      for (String probe : List.of("livenessProbe", "readinessProbe")) {
        if (!c.node().path(probe).isObject() || c.node().path(probe).isEmpty()) {
          out.add("[probes] " + c.id() + ": no " + probe);
        }
      }
    }
    return out;
  }

  static List<String> resources(List<Manifest> objects) {
    List<String> out = new ArrayList<>();
    for (Container c : containers(objects)) {
      JsonNode res = c.node().path("resources");
      for (String kind : List.of("requests", "limits")) {
        for (String resource : List.of("cpu", "memory")) {
          JsonNode q = res.path(kind).path(resource);
          if (q.isMissingNode() || q.isNull()) {
            out.add("[resources] " + c.id() + ": no resources." + kind + "." + resource);
          }
        }
      }
      for (String resource : List.of("cpu", "memory")) {
        BigDecimal request = quantity(res.path("requests").path(resource));
        BigDecimal limit = quantity(res.path("limits").path(resource));
        if (request != null && limit != null && request.compareTo(limit) > 0) {
          out.add("[resources] " + c.id() + ": requests." + resource + " " + res.path("requests").path(resource).asString()
              + " is above limits." + resource + " " + res.path("limits").path(resource).asString());
        }
      }
    }
    return out;
  }

  private static BigDecimal quantity(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    try {
      return Quantity.fromString(node.asString()).getNumber();
    } catch (RuntimeException e) {
      return null; // the schema reports it
    }
  }

  static List<String> nonRoot(List<Manifest> objects) {
    List<String> out = new ArrayList<>();
    for (Container c : containers(objects)) {
      JsonNode pod = c.podSpec().path("securityContext");
      JsonNode own = c.node().path("securityContext");
      JsonNode nonRoot = own.has("runAsNonRoot") ? own.get("runAsNonRoot") : pod.path("runAsNonRoot");
      JsonNode user = own.has("runAsUser") ? own.get("runAsUser") : pod.path("runAsUser");
      if (!nonRoot.isBoolean() || !nonRoot.asBoolean()) {
        out.add("[non-root] " + c.id() + ": runAsNonRoot is not true (container or pod securityContext)");
      }
      if (!user.isIntegralNumber()) {
        out.add("[non-root] " + c.id() + ": no runAsUser (container or pod securityContext); the image would decide");
      } else if (user.asLong() == 0) {
        out.add("[non-root] " + c.id() + ": runAsUser is 0 (root)");
      }
    }
    return out;
  }

  static List<String> privilegeEscalation(List<Manifest> objects) {
    List<String> out = new ArrayList<>();
    for (Container c : containers(objects)) {
      JsonNode ape = c.node().path("securityContext").path("allowPrivilegeEscalation");
      if (!ape.isBoolean() || ape.asBoolean()) {
        out.add("[privilege-escalation] " + c.id() + ": securityContext.allowPrivilegeEscalation is not false");
      }
    }
    return out;
  }

  static List<String> imageTags(List<Manifest> objects) {
    List<String> out = new ArrayList<>();
    for (Container c : containers(objects)) {
      String image = c.node().path("image").asString("");
      String problem = imageProblem(image);
      if (problem != null) {
        out.add("[image-tag] " + c.id() + ": " + problem);
      }
    }
    return out;
  }

  /** Null when the reference pins a tag other than latest, or a digest. */
  static String imageProblem(String image) {
    if (image.isEmpty()) {
      return "no image";
    }
    if (image.contains("@")) {
      return null; // pinned by digest
    }
    String last = image.substring(image.lastIndexOf('/') + 1);
    int colon = last.indexOf(':');
    if (colon < 0) {
      return "image " + image + " has no tag";
    }
    if (last.substring(colon + 1).equals("latest")) {
      return "image " + image + " uses the tag latest";
    }
    return null;
  }

  // ---- Secrets -------------------------------------------------------------------------------

  /** A reference to a Secret (and maybe one key of it). */
  record SecretRef(String from, String name, String key) {}

  static List<SecretRef> secretRefs(List<Manifest> objects) {
    List<SecretRef> refs = new ArrayList<>();
    for (Container c : containers(objects)) {
      for (JsonNode env : c.node().path("env")) {
        JsonNode ref = env.path("valueFrom").path("secretKeyRef");
        if (ref.isObject() && !ref.path("optional").asBoolean(false)) {
          refs.add(new SecretRef(c.id() + " env " + env.path("name").asString(), ref.path("name").asString(""), ref.path("key").asString("")));
        }
      }
      for (JsonNode envFrom : c.node().path("envFrom")) {
        JsonNode ref = envFrom.path("secretRef");
        if (ref.isObject() && !ref.path("optional").asBoolean(false)) {
          refs.add(new SecretRef(c.id() + " envFrom", ref.path("name").asString(""), null));
        }
      }
    }
    for (Manifest m : objects) {
      Optional<JsonNode> template = m.podTemplate();
      if (template.isEmpty()) {
        continue;
      }
      JsonNode spec = template.get().path("spec");
      for (JsonNode v : spec.path("volumes")) {
        JsonNode secret = v.path("secret");
        if (secret.isObject() && !secret.path("optional").asBoolean(false)) {
          String from = m.id() + " volume " + v.path("name").asString();
          if (secret.path("items").isArray() && !secret.path("items").isEmpty()) {
            secret.path("items").forEach(i -> refs.add(new SecretRef(from, secret.path("secretName").asString(""), i.path("key").asString(""))));
          } else {
            refs.add(new SecretRef(from, secret.path("secretName").asString(""), null));
          }
        }
        for (JsonNode source : v.path("projected").path("sources")) {
          JsonNode s = source.path("secret");
          if (s.isObject() && !s.path("optional").asBoolean(false)) {
            refs.add(new SecretRef(m.id() + " volume " + v.path("name").asString(), s.path("name").asString(""), null));
          }
        }
      }
      for (JsonNode pull : spec.path("imagePullSecrets")) {
        refs.add(new SecretRef(m.id() + " imagePullSecrets", pull.path("name").asString(""), null));
      }
    }
    return refs;
  }

  /**
   * The Secrets an overlay can count on, with their keys (null = any key): those it renders, those
   * the user creates ({@link UserSecrets}), and those the operators of its custom resources create,
   * named by the operators' conventions.
   */
  static Map<String, Set<String>> availableSecrets(List<Manifest> objects, Map<String, Set<String>> userSecrets) {
    Map<String, Set<String>> out = new TreeMap<>();
    userSecrets.forEach((name, keys) -> out.put(name, new TreeSet<>(keys)));
    for (Manifest m : objects) {
      if (m.is("v1", "Secret")) {
        Set<String> keys = new TreeSet<>();
        m.node().path("data").propertyNames().forEach(keys::add);
        m.node().path("stringData").propertyNames().forEach(keys::add);
        out.put(m.name(), keys);
      } else if (m.is("k8ssandra.io/v1alpha1", "K8ssandraCluster")) {
        // k8ssandra-operator creates the superuser Secret (keys username, password) unless it exists:
        // spec.cassandra.superuserSecretRef.name, else "<cluster name>-superuser", the cluster name
        // being spec.cassandra.clusterName or the resource's name. Not with secretsProvider: external.
        if (!"external".equals(m.spec().path("secretsProvider").asString(""))) {
          String ref = m.spec().path("cassandra").path("superuserSecretRef").path("name").asString("");
          String cluster = m.spec().path("cassandra").path("clusterName").asString(m.name());
          String name = ref.isEmpty() ? sanitize(cluster) + "-superuser" : ref;
          out.put(name, new TreeSet<>(Set.of("username", "password")));
        }
      } else if (m.is("kafka.strimzi.io/v1", "Kafka")) {
        // Strimzi's cluster operator: the public CA certificates of the cluster and of the clients.
        for (String ca : List.of("-cluster-ca-cert", "-clients-ca-cert")) {
          out.put(m.name() + ca, new TreeSet<>(Set.of("ca.crt", "ca.p12", "ca.password")));
        }
      } else if (m.is("kafka.strimzi.io/v1", "KafkaUser")) {
        out.put(m.name(), null); // the user operator's Secret; its keys depend on the authentication type
      }
    }
    return out;
  }

  /** k8ssandra-operator's cleaning of a cluster name into a resource name. */
  private static String sanitize(String clusterName) {
    return clusterName.toLowerCase().replaceAll("[^a-z0-9.-]", "");
  }

  static List<String> secrets(List<Manifest> objects, Map<String, Set<String>> userSecrets) {
    Map<String, Set<String>> available = availableSecrets(objects, userSecrets);
    List<String> out = new ArrayList<>();
    for (SecretRef ref : secretRefs(objects)) {
      if (!available.containsKey(ref.name())) {
        out.add("[secrets] " + ref.from() + ": Secret " + ref.name()
            + " is neither rendered, nor created by the user (UserSecrets), nor by an operator");
      } else if (ref.key() != null && available.get(ref.name()) != null && !available.get(ref.name()).contains(ref.key())) {
        out.add("[secrets] " + ref.from() + ": Secret " + ref.name() + " has no key " + ref.key()
            + " (it has " + available.get(ref.name()) + ")");
      }
    }
    return out;
  }

  // ---- Kafka topics and KEDA -------------------------------------------------------------------

  /** KafkaTopic name -> object, named by spec.topicName when set. */
  static Map<String, Manifest> kafkaTopics(List<Manifest> objects) {
    Map<String, Manifest> out = new TreeMap<>();
    for (Manifest m : objects) {
      if (m.is("kafka.strimzi.io/v1", "KafkaTopic")) {
        out.put(m.spec().path("topicName").asString(m.name()), m);
      }
    }
    return out;
  }

  /**
   * Where an overlay declares its Kafka topics as KafkaTopics, they are exactly topics.conf (names,
   * partitions, configs), every topic the code names is among them, and each belongs to a Kafka of
   * the overlay.
   */
  static List<String> topics(List<Manifest> objects, ProjectFacts.Facts facts) {
    Map<String, Manifest> declared = kafkaTopics(objects);
    boolean hasKafka = objects.stream().anyMatch(m -> m.is("kafka.strimzi.io/v1", "Kafka"));
    if (declared.isEmpty() && !hasKafka) {
      return List.of(); // the overlay's Kafka gets its topics from the setup Job (topics.conf in its image)
    }
    List<String> out = new ArrayList<>();
    Set<String> clusters = new TreeSet<>();
    objects.stream().filter(m -> m.is("kafka.strimzi.io/v1", "Kafka")).forEach(m -> clusters.add(m.name()));
    for (ProjectFacts.TopicSpec conf : facts.topics().values()) {
      Manifest topic = declared.get(conf.name());
      if (topic == null) {
        out.add("[topics] topics.conf's " + conf.name() + " has no KafkaTopic");
        continue;
      }
      JsonNode partitions = topic.spec().path("partitions");
      if (!partitions.isIntegralNumber() || partitions.asInt() != conf.partitions()) {
        out.add("[topics] " + topic.id() + ": spec.partitions is " + partitions + ", topics.conf says " + conf.partitions());
      }
      Map<String, String> config = new TreeMap<>();
      topic.spec().path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asString()));
      if (!config.equals(conf.config())) {
        out.add("[topics] " + topic.id() + ": spec.config is " + config + ", topics.conf says " + conf.config());
      }
    }
    for (Map.Entry<String, Manifest> e : declared.entrySet()) {
      if (!facts.topics().containsKey(e.getKey())) {
        out.add("[topics] " + e.getValue().id() + ": topic " + e.getKey() + " is not in topics.conf");
      }
      String cluster = e.getValue().labels().getOrDefault("strimzi.io/cluster", "");
      if (!clusters.contains(cluster)) {
        out.add("[topics] " + e.getValue().id() + ": label strimzi.io/cluster \"" + cluster + "\" names no Kafka of the overlay " + clusters);
      }
    }
    for (Map.Entry<String, String> e : facts.codeTopics().entrySet()) {
      if (!declared.containsKey(e.getValue())) {
        out.add("[topics] Topics." + e.getKey() + " (" + e.getValue() + ") has no KafkaTopic");
      }
    }
    return out;
  }

  /**
   * Each ScaledObject targets a workload of the overlay that no HPA also targets; each kafka
   * trigger names a consumer group of the code and that group's topic, a topic of topics.conf;
   * `...FromEnv` keys name a variable the target's container has; and maxReplicaCount is not above
   * the partition count of the largest topic among its kafka triggers. (KEDA's Kafka scaler caps each
   * trigger's demand at its topic's partitions, and a group never has more active members than
   * partitions: pods past the largest topic's count would idle in every group. With one trigger this
   * is "maxReplicaCount <= its topic's partitions".)
   */
  static List<String> keda(List<Manifest> objects, ProjectFacts.Facts facts) {
    List<String> out = new ArrayList<>();
    for (Manifest so : objects) {
      if (!so.is("keda.sh/v1alpha1", "ScaledObject")) {
        continue;
      }
      JsonNode ref = so.spec().path("scaleTargetRef");
      String kind = ref.path("kind").asString("Deployment");
      String name = ref.path("name").asString("");
      Optional<Manifest> target = find(objects, kind, name, so.namespace());
      if (target.isEmpty()) {
        out.add("[keda] " + so.id() + ": scaleTargetRef " + kind + "/" + name + " is not in the overlay");
      }
      for (Manifest hpa : objects) {
        if (hpa.isKind("HorizontalPodAutoscaler") && hpa.namespace().equals(so.namespace())
            && kind.equals(hpa.spec().path("scaleTargetRef").path("kind").asString())
            && name.equals(hpa.spec().path("scaleTargetRef").path("name").asString())) {
          out.add("[keda] " + so.id() + ": " + hpa.id() + " targets " + kind + "/" + name + " too (KEDA makes its own HPA)");
        }
      }
      int largest = 0;
      JsonNode triggers = so.spec().path("triggers");
      for (int i = 0; i < triggers.size(); i++) {
        JsonNode t = triggers.get(i);
        if (!"kafka".equals(t.path("type").asString(""))) {
          continue;
        }
        String at = so.id() + " trigger " + t.path("name").asString(String.valueOf(i));
        JsonNode md = t.path("metadata");
        String group = md.path("consumerGroup").asString(null);
        String topic = md.path("topic").asString(null);
        if (group != null && !facts.listenerGroups().containsKey(group)) {
          out.add("[keda] " + at + ": consumerGroup " + group + " is no @KafkaListener group of the code " + new TreeSet<>(facts.listenerGroups().keySet()));
        } else if (group != null && topic != null && !facts.listenerGroups().get(group).equals(topic)) {
          out.add("[keda] " + at + ": group " + group + " reads " + facts.listenerGroups().get(group) + " in the code, not " + topic);
        }
        String effectiveTopic = topic != null ? topic : group != null ? facts.listenerGroups().get(group) : null;
        if (topic != null && !facts.topics().containsKey(topic)) {
          out.add("[keda] " + at + ": topic " + topic + " is not in topics.conf");
        } else if (effectiveTopic != null && facts.topics().containsKey(effectiveTopic)) {
          largest = Math.max(largest, facts.topics().get(effectiveTopic).partitions());
        }
        for (String key : md.propertyNames()) {
          if (key.endsWith("FromEnv") && target.isPresent()) {
            String variable = md.path(key).asString("");
            String container = ref.path("envSourceContainerName").asString(null);
            if (!containerHasEnv(objects, target.get(), container, variable)) {
              out.add("[keda] " + at + ": " + key + " names " + variable + ", which the target's container does not have");
            }
          }
        }
      }
      JsonNode max = so.spec().path("maxReplicaCount");
      int maxReplicas = max.isIntegralNumber() ? max.asInt() : 100; // KEDA's default
      if (largest > 0 && maxReplicas > largest) {
        out.add("[keda] " + so.id() + ": maxReplicaCount " + maxReplicas + " is above the partitions of every topic it scales on (largest: "
            + largest + ")");
      }
    }
    return out;
  }

  /** Whether a workload's container (by name, else the first) defines an environment variable. */
  private static boolean containerHasEnv(List<Manifest> objects, Manifest workload, String containerName, String variable) {
    Optional<JsonNode> template = workload.podTemplate();
    if (template.isEmpty()) {
      return false;
    }
    JsonNode container = null;
    for (JsonNode c : template.get().path("spec").path("containers")) {
      if (containerName == null || containerName.equals(c.path("name").asString())) {
        container = c;
        break;
      }
    }
    if (container == null) {
      return false;
    }
    for (JsonNode env : container.path("env")) {
      if (variable.equals(env.path("name").asString())) {
        return true;
      }
    }
    for (JsonNode envFrom : container.path("envFrom")) {
      String prefix = envFrom.path("prefix").asString("");
      if (!variable.startsWith(prefix)) {
        continue;
      }
      String key = variable.substring(prefix.length());
      JsonNode cm = envFrom.path("configMapRef");
      if (cm.isObject()) {
        Optional<Manifest> map = find(objects, "ConfigMap", cm.path("name").asString(""), workload.namespace());
        if (map.isPresent() && map.get().node().path("data").has(key)) {
          return true;
        }
      }
      JsonNode secret = envFrom.path("secretRef");
      if (secret.isObject()) {
        Optional<Manifest> s = find(objects, "Secret", secret.path("name").asString(""), workload.namespace());
        if (s.isPresent() && (s.get().node().path("data").has(key) || s.get().node().path("stringData").has(key))) {
          return true;
        }
      }
    }
    return false;
  }

  // ---- selectors and targets -------------------------------------------------------------------

  /** The pod templates of an overlay: owner and labels. */
  record Pods(Manifest owner, Map<String, String> labels) {}

  static List<Pods> pods(List<Manifest> objects) {
    List<Pods> out = new ArrayList<>();
    for (Manifest m : objects) {
      m.podTemplate().ifPresent(t -> out.add(new Pods(m, Manifest.stringMap(t.path("metadata").path("labels")))));
    }
    return out;
  }

  /** Kubernetes label-selector semantics: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
  static boolean matches(JsonNode selector, Map<String, String> labels) {
    for (Map.Entry<String, JsonNode> e : selector.path("matchLabels").properties()) {
      if (!e.getValue().asString().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (JsonNode expr : selector.path("matchExpressions")) {
      String key = expr.path("key").asString("");
      Set<String> values = new TreeSet<>();
      expr.path("values").forEach(v -> values.add(v.asString()));
      boolean ok = switch (expr.path("operator").asString("")) {
        case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
        case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
        case "Exists" -> labels.containsKey(key);
        case "DoesNotExist" -> !labels.containsKey(key);
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A plain map selector (a Service's) as a label selector. */
  private static boolean matchesMap(JsonNode selector, Map<String, String> labels) {
    for (Map.Entry<String, JsonNode> e : selector.properties()) {
      if (!e.getValue().asString().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static boolean anyPod(List<Pods> pods, String namespace, java.util.function.Predicate<Map<String, String>> selects) {
    return pods.stream().anyMatch(p -> p.owner().namespace().equals(namespace) && selects.test(p.labels()));
  }

  /**
   * Services, PodDisruptionBudgets and workloads' own selectors select pods the overlay runs.
   */
  static List<String> selectors(List<Manifest> objects) {
    List<String> out = new ArrayList<>();
    List<Pods> pods = pods(objects);
    for (Manifest m : objects) {
      if (m.is("v1", "Service")) {
        JsonNode selector = m.spec().path("selector");
        if (selector.isObject() && !selector.isEmpty()
            && !anyPod(pods, m.namespace(), labels -> matchesMap(selector, labels))) {
          out.add("[selectors] " + m.id() + ": spec.selector " + Manifest.stringMap(selector) + " matches no pod template");
        }
      } else if (m.isKind("PodDisruptionBudget")) {
        JsonNode selector = m.spec().path("selector");
        if (!anyPod(pods, m.namespace(), labels -> matches(selector, labels))) {
          out.add("[selectors] " + m.id() + ": spec.selector matches no pod template");
        }
      } else if (m.podTemplate().isPresent() && !m.isKind("Job") && !m.isKind("CronJob")) {
        JsonNode selector = m.spec().path("selector");
        Map<String, String> labels = Manifest.stringMap(m.podTemplate().get().path("metadata").path("labels"));
        if (!matches(selector, labels) || selector.isEmpty()) {
          out.add("[selectors] " + m.id() + ": spec.selector does not match its own pod template's labels " + labels);
        }
      }
    }
    return out;
  }

  /**
   * Every NetworkPolicy selects some pod of the overlay, and so does every pod peer of its rules
   * that stays in the namespace (a peer with a namespaceSelector points elsewhere and is not checked).
   */
  static List<String> networkPolicies(List<Manifest> objects) {
    List<String> out = new ArrayList<>();
    List<Pods> pods = pods(objects);
    for (Manifest np : objects) {
      if (!np.isKind("NetworkPolicy")) {
        continue;
      }
      JsonNode selector = np.spec().path("podSelector");
      if (!anyPod(pods, np.namespace(), labels -> matches(selector, labels))) {
        out.add("[network-policies] " + np.id() + ": spec.podSelector selects no pod of the overlay");
      }
      for (String direction : List.of("ingress", "egress")) {
        String peers = direction.equals("ingress") ? "from" : "to";
        JsonNode rules = np.spec().path(direction);
        for (int r = 0; r < rules.size(); r++) {
          JsonNode list = rules.get(r).path(peers);
          for (int p = 0; p < list.size(); p++) {
            JsonNode peer = list.get(p);
            if (peer.has("podSelector") && !peer.has("namespaceSelector")
                && !anyPod(pods, np.namespace(), labels -> matches(peer.path("podSelector"), labels))) {
              out.add("[network-policies] " + np.id() + ": spec." + direction + "[" + r + "]." + peers + "[" + p
                  + "].podSelector selects no pod of the overlay");
            }
          }
        }
      }
    }
    return out;
  }

  /** Every HorizontalPodAutoscaler's scaleTargetRef names a workload of the overlay. */
  static List<String> autoscalerTargets(List<Manifest> objects) {
    List<String> out = new ArrayList<>();
    for (Manifest hpa : objects) {
      if (!hpa.isKind("HorizontalPodAutoscaler")) {
        continue;
      }
      JsonNode ref = hpa.spec().path("scaleTargetRef");
      String kind = ref.path("kind").asString("");
      String name = ref.path("name").asString("");
      Optional<Manifest> target = find(objects, kind, name, hpa.namespace());
      if (target.isEmpty()) {
        out.add("[autoscaler-targets] " + hpa.id() + ": scaleTargetRef " + kind + "/" + name + " is not in the overlay");
      } else if (!Objects.equals(target.get().apiVersion(), ref.path("apiVersion").asString(""))) {
        out.add("[autoscaler-targets] " + hpa.id() + ": scaleTargetRef apiVersion " + ref.path("apiVersion").asString("")
            + " is not " + target.get().apiVersion());
      }
    }
    return out;
  }

  /**
   * Ports named by a string exist: a probe's or lifecycle hook's port in its container, and a
   * Service's targetPort in every pod template it selects (the API accepts any name; a wrong one
   * fails only at run time: a probe that never succeeds, a Service without endpoints).
   */
  static List<String> namedPorts(List<Manifest> objects) {
    List<String> out = new ArrayList<>();
    for (Container c : containers(objects)) {
      Set<String> names = new TreeSet<>();
      c.node().path("ports").forEach(p -> names.add(p.path("name").asString("")));
      for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
        for (String action : List.of("httpGet", "tcpSocket", "grpc")) {
          JsonNode port = c.node().path(probe).path(action).path("port");
          if (port.isString() && !names.contains(port.asString())) {
            out.add("[named-ports] " + c.id() + ": " + probe + "." + action + ".port " + port.asString()
                + " is not a port of the container " + names);
          }
        }
      }
    }
    List<Pods> pods = pods(objects);
    for (Manifest svc : objects) {
      if (!svc.is("v1", "Service") || !svc.spec().path("selector").isObject() || svc.spec().path("selector").isEmpty()) {
        continue;
      }
      for (JsonNode port : svc.spec().path("ports")) {
        JsonNode target = port.path("targetPort");
        if (!target.isString()) {
          continue;
        }
        for (Pods p : pods) {
          if (!p.owner().namespace().equals(svc.namespace()) || !matchesMap(svc.spec().path("selector"), p.labels())) {
            continue;
          }
          Set<String> names = new TreeSet<>();
          p.owner().podTemplate().get().path("spec").path("containers")
              .forEach(c -> c.path("ports").forEach(cp -> names.add(cp.path("name").asString(""))));
          if (!names.contains(target.asString())) {
            out.add("[named-ports] " + svc.id() + ": targetPort " + target.asString() + " is not a port of " + p.owner().id() + " " + names);
          }
        }
      }
    }
    return out;
  }

  static Optional<Manifest> find(List<Manifest> objects, String kind, String name, String namespace) {
    return objects.stream()
        .filter(m -> m.isKind(kind) && m.name().equals(name) && m.namespace().equals(namespace))
        .findFirst();
  }

  /** Rule name -> its violations, for reports. */
  static Map<String, List<String>> byRule(List<String> violations) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String v : violations) {
      String rule = v.substring(1, v.indexOf(']'));
      out.computeIfAbsent(rule, r -> new ArrayList<>()).add(v);
    }
    return out;
  }
}
