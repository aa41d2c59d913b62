package dev.chatsync.k8s.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each schema check fails on a deliberately broken copy of the fixtures, with the exact message.
 * The unbroken fixtures pass (first test), so each failure is the breakage's own.
 */
class SchemaCanFailTest {

  private static final String C0 = "spec.template.spec.containers[0]";

  @Test
  void theFixturesPass() {
    for (Manifest m : Fixtures.prodLike()) {
      assertThat(Schemas.validate(m)).as(m.id()).isEmpty();
    }
  }

  // ---- core objects (client-java models) ------------------------------------------------------

  @Test
  void coreMisspeltFieldIsUnknown() {
    List<Manifest> f = Fixtures.rename(Fixtures.prodLike(), "Deployment/fanout-service", "/spec/template/spec/containers/0/livenessProbe", "livenesProbe");
    assertThat(Fixtures.schemaErrors(f, "Deployment/fanout-service"))
        .containsExactly(C0 + ".livenesProbe: unknown field \"livenesProbe\" in V1Container");
  }

  @Test
  void coreMisspeltFieldDeepDown() {
    List<Manifest> f = Fixtures.rename(Fixtures.prodLike(), "Deployment/fanout-service",
        "/spec/template/spec/containers/0/readinessProbe/httpGet/path", "pth");
    assertThat(Fixtures.schemaErrors(f, "Deployment/fanout-service"))
        .containsExactly(C0 + ".readinessProbe.httpGet.pth: unknown field \"pth\" in V1HTTPGetAction");
  }

  @Test
  void coreStringWhereAnIntGoes() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "HorizontalPodAutoscaler/gateway-service", "/spec/maxReplicas", "8");
    assertThat(Fixtures.schemaErrors(f, "HorizontalPodAutoscaler/gateway-service"))
        .containsExactly("spec.maxReplicas: expected an integer, got string \"8\"");
  }

  @Test
  void coreIntWhereAStringGoes() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "ConfigMap/chatsync-config-abc123", "/data/PORT", 8080);
    assertThat(Fixtures.schemaErrors(f, "ConfigMap/chatsync-config-abc123"))
        .containsExactly("data.PORT: expected a string, got integer 8080");
  }

  @Test
  void coreStringWhereABooleanGoes() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "Deployment/fanout-service",
        "/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem", "true");
    assertThat(Fixtures.schemaErrors(f, "Deployment/fanout-service"))
        .containsExactly(C0 + ".securityContext.readOnlyRootFilesystem: expected a boolean, got string \"true\"");
  }

  @Test
  void coreBadEnumValue() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "Deployment/fanout-service", "/spec/template/spec/containers/0/imagePullPolicy", "Sometimes");
    assertThat(Fixtures.schemaErrors(f, "Deployment/fanout-service"))
        .containsExactly(C0 + ".imagePullPolicy: \"Sometimes\" is not one of [Always, IfNotPresent, Never]");
  }

  @Test
  void coreBadQuantity() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "Deployment/fanout-service", "/spec/template/spec/containers/0/resources/limits/memory", "768 Mi");
    assertThat(Fixtures.schemaErrors(f, "Deployment/fanout-service"))
        .containsExactly(C0 + ".resources.limits.memory: not a Kubernetes quantity: \"768 Mi\"");
  }

  @Test
  void coreMissingRequiredField() {
    List<Manifest> f = Fixtures.remove(Fixtures.prodLike(), "Service/gateway-service", "/spec/ports/0/port");
    assertThat(Fixtures.schemaErrors(f, "Service/gateway-service"))
        .containsExactly("spec.ports[0].port: required field missing in V1ServicePort");
  }

  @Test
  void coreLabelValueMustBeAString() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "Deployment/fanout-service", "/spec/template/metadata/labels/version", 2);
    assertThat(Fixtures.schemaErrors(f, "Deployment/fanout-service"))
        .containsExactly("spec.template.metadata.labels.version: expected a string, got integer 2");
  }

  @Test
  void coreKindWithoutASchemaFails() {
    List<Manifest> f = Fixtures.with(Fixtures.prodLike(), "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: old}\n");
    assertThat(Fixtures.schemaErrors(f, "Ingress/old")).containsExactly(
        "no schema for extensions/v1beta1 Ingress (core kinds: CoreSchema.KINDS; Strimzi: StrimziCrds.CLASSES; others: Schemas.HANDWRITTEN)");
  }

  // ---- Strimzi (CRDs generated from io.strimzi:api) --------------------------------------------

  @Test
  void strimziStringWhereAnIntGoes() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "KafkaTopic/chat.messages", "/spec/partitions", "12");
    assertThat(Fixtures.schemaErrors(f, "KafkaTopic/chat.messages"))
        .containsExactly("spec.partitions: string found, integer expected");
  }

  @Test
  void strimziMisspeltFieldIsUnknown() {
    List<Manifest> f = Fixtures.rename(Fixtures.prodLike(), "KafkaTopic/chat.messages", "/spec/replicas", "replica");
    assertThat(Fixtures.schemaErrors(f, "KafkaTopic/chat.messages"))
        .containsExactly("spec.replica: unknown field \"replica\"");
  }

  @Test
  void strimziBadEnumValue() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "Kafka/chatsync", "/spec/kafka/listeners/0/type", "internl");
    assertThat(Fixtures.schemaErrors(f, "Kafka/chatsync")).containsExactly(
        "spec.kafka.listeners[0].type: does not have a value in the enumeration "
            + "[\"internal\", \"route\", \"tlsroute\", \"loadbalancer\", \"nodeport\", \"ingress\", \"cluster-ip\"]");
  }

  @Test
  void strimziMisspeltFieldDeepInsideAnEmbeddedKubernetesType() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "Kafka/chatsync", "/spec/kafka/listeners/0/networkPolicyPeers",
        Manifest.YAML.readTree("[{podSelector: {matchLabel: {app: x}}}]"));
    assertThat(Fixtures.schemaErrors(f, "Kafka/chatsync"))
        .containsExactly("spec.kafka.listeners[0].networkPolicyPeers[0].podSelector.matchLabel: unknown field \"matchLabel\"");
  }

  @Test
  void strimziFreeFormConfigTakesAnyKey() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "Kafka/chatsync", "/spec/kafka/config/any.setting.at.all", "x");
    assertThat(Fixtures.schemaErrors(f, "Kafka/chatsync")).isEmpty();
  }

  @Test
  void strimziMetadataIsCheckedAsObjectMeta() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "KafkaTopic/chat.messages", "/metadata/labels/strimzi.io~1cluster", 1);
    assertThat(Fixtures.schemaErrors(f, "KafkaTopic/chat.messages"))
        .containsExactly("metadata.labels.strimzi.io/cluster: expected a string, got integer 1");
  }

  // ---- hand-written schemas --------------------------------------------------------------------

  @Test
  void k8ssandraStringWhereAnIntGoes() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "K8ssandraCluster/chatsync", "/spec/cassandra/datacenters/0/size", "3");
    assertThat(Fixtures.schemaErrors(f, "K8ssandraCluster/chatsync"))
        .containsExactly("spec.cassandra.datacenters[0].size: string found, integer expected");
  }

  @Test
  void k8ssandraMisspeltFieldIsUnknown() {
    List<Manifest> f = Fixtures.rename(Fixtures.prodLike(), "K8ssandraCluster/chatsync", "/spec/cassandra/serverVersion", "serverVerion");
    assertThat(Fixtures.schemaErrors(f, "K8ssandraCluster/chatsync"))
        .containsExactly("spec.cassandra.serverVerion: unknown field \"serverVerion\"");
  }

  @Test
  void k8ssandraCoreSubtreeGoesToTheCoreValidator() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "K8ssandraCluster/chatsync", "/spec/cassandra/resources/requests/memory", "8 GB");
    assertThat(Fixtures.schemaErrors(f, "K8ssandraCluster/chatsync"))
        .containsExactly("spec.cassandra.resources.requests.memory: not a Kubernetes quantity: \"8 GB\"");
  }

  @Test
  void kedaTriggerMetadataValuesAreStrings() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "ScaledObject/fanout-service", "/spec/triggers/0/metadata/lagThreshold", 2000);
    assertThat(Fixtures.schemaErrors(f, "ScaledObject/fanout-service"))
        .containsExactly("spec.triggers[0].metadata.lagThreshold: integer found, string expected");
  }

  @Test
  void kedaMisspeltKafkaMetadataKey() {
    List<Manifest> f = Fixtures.rename(Fixtures.prodLike(), "ScaledObject/fanout-service", "/spec/triggers/0/metadata/lagThreshold", "lagTreshold");
    assertThat(Fixtures.schemaErrors(f, "ScaledObject/fanout-service")).singleElement().asString()
        .startsWith("spec.triggers[0].metadata.lagTreshold: unknown key of the kafka scaler (known: [activationLagThreshold,");
  }

  @Test
  void kedaBadKafkaMetadataValue() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "ScaledObject/fanout-service", "/spec/triggers/0/metadata/offsetResetPolicy", "oldest");
    assertThat(Fixtures.schemaErrors(f, "ScaledObject/fanout-service"))
        .containsExactly("spec.triggers[0].metadata.offsetResetPolicy: expected latest or earliest, got \"oldest\"");
  }

  @Test
  void kedaHpaBehaviorGoesToTheCoreValidator() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "ScaledObject/fanout-service",
        "/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleDown/policies/0/type", "Pod");
    assertThat(Fixtures.schemaErrors(f, "ScaledObject/fanout-service"))
        .containsExactly("spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.policies[0].type: \"Pod\" is not one of [Pods, Percent]");
  }

  @Test
  void httpRouteBadEnumValue() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "HTTPRoute/chatsync", "/spec/rules/0/matches/0/path/type", "Prefix");
    assertThat(Fixtures.schemaErrors(f, "HTTPRoute/chatsync")).containsExactly(
        "spec.rules[0].matches[0].path.type: does not have a value in the enumeration [\"Exact\", \"PathPrefix\", \"RegularExpression\"]");
  }

  @Test
  void httpRouteBadDuration() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "HTTPRoute/chatsync", "/spec/rules/0/timeouts/request", "60 seconds");
    assertThat(Fixtures.schemaErrors(f, "HTTPRoute/chatsync")).singleElement().asString()
        .startsWith("spec.rules[0].timeouts.request: does not match the regex pattern");
  }
}
