package dev.chatsync.k8s.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each policy rule fails on a deliberately broken copy of the fixtures, with the exact message. The
 * unbroken fixtures pass every rule (first test), so each failure is the breakage's own.
 */
class PolicyCanFailTest {

  private static final String FANOUT = "Deployment/fanout-service";
  private static final String APP = "/spec/template/spec/containers/0";

  private static List<String> violations(List<Manifest> objects) {
    return Policy.check(objects, Fixtures.facts());
  }

  @Test
  void theFixturesPass() {
    assertThat(violations(Fixtures.prodLike())).isEmpty();
  }

  @Test
  void missingProbe() {
    List<Manifest> f = Fixtures.remove(Fixtures.prodLike(), FANOUT, APP + "/readinessProbe");
    assertThat(violations(f)).containsExactly("[probes] Deployment/fanout-service container app: no readinessProbe");
  }

  @Test
  void sidecarInitContainerNeedsProbesToo() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), FANOUT, "/spec/template/spec/initContainers/0/restartPolicy", "Always");
    assertThat(violations(f)).containsExactly(
        "[probes] Deployment/fanout-service init container wait: no livenessProbe",
        "[probes] Deployment/fanout-service init container wait: no readinessProbe");
  }

  @Test
  void missingLimit() {
    List<Manifest> f = Fixtures.remove(Fixtures.prodLike(), FANOUT, APP + "/resources/limits/memory");
    assertThat(violations(f)).containsExactly("[resources] Deployment/fanout-service container app: no resources.limits.memory");
  }

  @Test
  void jobNeedsResourcesToo() {
    List<Manifest> f = Fixtures.remove(Fixtures.prodLike(), "Job/chatsync-setup", APP + "/resources/requests");
    assertThat(violations(f)).containsExactly(
        "[resources] Job/chatsync-setup container setup: no resources.requests.cpu",
        "[resources] Job/chatsync-setup container setup: no resources.requests.memory");
  }

  @Test
  void requestAboveLimit() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), FANOUT, APP + "/resources/requests/memory", "1Gi");
    assertThat(violations(f)).containsExactly(
        "[resources] Deployment/fanout-service container app: requests.memory 1Gi is above limits.memory 768Mi");
  }

  @Test
  void runsAsRoot() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), FANOUT, "/spec/template/spec/securityContext/runAsUser", 0);
    assertThat(violations(f)).containsExactly(
        "[non-root] Deployment/fanout-service init container wait: runAsUser is 0 (root)",
        "[non-root] Deployment/fanout-service container app: runAsUser is 0 (root)");
  }

  @Test
  void runAsNonRootNotSet() {
    List<Manifest> f = Fixtures.remove(Fixtures.prodLike(), "Deployment/gateway-service", APP + "/securityContext/runAsNonRoot");
    assertThat(violations(f)).containsExactly(
        "[non-root] Deployment/gateway-service container app: runAsNonRoot is not true (container or pod securityContext)");
  }

  @Test
  void privilegeEscalationAllowed() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), FANOUT, APP + "/securityContext/allowPrivilegeEscalation", true);
    assertThat(violations(f)).containsExactly(
        "[privilege-escalation] Deployment/fanout-service container app: securityContext.allowPrivilegeEscalation is not false");
  }

  @Test
  void latestImage() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), FANOUT, APP + "/image", "chatsync/fanout-service:latest");
    assertThat(violations(f)).containsExactly(
        "[image-tag] Deployment/fanout-service container app: image chatsync/fanout-service:latest uses the tag latest");
  }

  @Test
  void untaggedImage() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "Job/chatsync-setup", APP + "/image", "registry.example:5000/chatsync/setup");
    assertThat(violations(f)).containsExactly(
        "[image-tag] Job/chatsync-setup container setup: image registry.example:5000/chatsync/setup has no tag");
  }

  @Test
  void unknownSecret() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), FANOUT, APP + "/env/0/valueFrom/secretKeyRef/name", "chatsync-secrets");
    assertThat(violations(f)).containsExactly(
        "[secrets] Deployment/fanout-service container app env CHAT_IDENTITY_SECRET: Secret chatsync-secrets is neither rendered, "
            + "nor created by the user (UserSecrets), nor by an operator");
  }

  @Test
  void unknownKeyOfTheUsersSecret() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), FANOUT, APP + "/env/0/valueFrom/secretKeyRef/key", "identity");
    assertThat(violations(f)).containsExactly(
        "[secrets] Deployment/fanout-service container app env CHAT_IDENTITY_SECRET: Secret chatsync has no key identity "
            + "(it has [identity-secret, jwt-secret])");
  }

  @Test
  void operatorSecretNameFollowsTheCluster() {
    // Without superuserSecretRef, k8ssandra-operator names it <cluster>-superuser: renaming the cluster breaks the reference.
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "K8ssandraCluster/chatsync", "/metadata/name", "chat");
    assertThat(violations(f)).containsExactly(
        "[secrets] Deployment/fanout-service container app env SPRING_CASSANDRA_PASSWORD: Secret chatsync-superuser is neither "
            + "rendered, nor created by the user (UserSecrets), nor by an operator");
  }

  @Test
  void renderedSecretWithoutTheKey() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), FANOUT, "/spec/template/spec/volumes/0/secret/items/0/key", "tls.key");
    assertThat(violations(f)).containsExactly(
        "[secrets] Deployment/fanout-service volume tls: Secret fixture-tls has no key tls.key (it has [tls.crt])");
  }

  @Test
  void topicWithTheWrongPartitionCount() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "KafkaTopic/chat.messages", "/spec/partitions", 6);
    assertThat(violations(f)).containsExactly("[topics] KafkaTopic/chat.messages: spec.partitions is 6, topics.conf says 12");
  }

  @Test
  void topicWithADifferentConfig() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "KafkaTopic/chat.messages", "/spec/config/retention.ms", 86400000);
    assertThat(violations(f)).containsExactly(
        "[topics] KafkaTopic/chat.messages: spec.config is {retention.ms=86400000}, topics.conf says {retention.ms=604800000}");
  }

  @Test
  void topicMissing() {
    List<Manifest> f = Fixtures.without(Fixtures.prodLike(), "KafkaTopic/chat.messages");
    assertThat(violations(f)).containsExactly(
        "[topics] topics.conf's chat.messages has no KafkaTopic",
        "[topics] Topics.MESSAGES (chat.messages) has no KafkaTopic");
  }

  @Test
  void topicNotInTopicsConf() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "KafkaTopic/chat.messages", "/spec/topicName", "chat.message");
    assertThat(violations(f)).containsExactly(
        "[topics] topics.conf's chat.messages has no KafkaTopic",
        "[topics] KafkaTopic/chat.messages: topic chat.message is not in topics.conf",
        "[topics] Topics.MESSAGES (chat.messages) has no KafkaTopic");
  }

  @Test
  void topicOfAnotherCluster() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "KafkaTopic/chat.messages", "/metadata/labels/strimzi.io~1cluster", "kafka");
    assertThat(violations(f)).containsExactly(
        "[topics] KafkaTopic/chat.messages: label strimzi.io/cluster \"kafka\" names no Kafka of the overlay [chatsync]");
  }

  @Test
  void kedaGroupNotInTheCode() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "ScaledObject/fanout-service", "/spec/triggers/0/metadata/consumerGroup", "fanout-inboxes");
    assertThat(violations(f)).containsExactly(
        "[keda] ScaledObject/fanout-service trigger inbox-appends: consumerGroup fanout-inboxes is no @KafkaListener group of the code "
            + "[fanout-expand, fanout-inbox]");
  }

  @Test
  void kedaTopicNotTheGroupsTopic() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "ScaledObject/fanout-service", "/spec/triggers/0/metadata/topic", "chat.messages");
    assertThat(violations(f)).containsExactly(
        "[keda] ScaledObject/fanout-service trigger inbox-appends: group fanout-inbox reads chat.inbox-appends in the code, not chat.messages");
  }

  @Test
  void kedaMoreReplicasThanPartitions() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "ScaledObject/fanout-service", "/spec/maxReplicaCount", 24);
    assertThat(violations(f)).containsExactly(
        "[keda] ScaledObject/fanout-service: maxReplicaCount 24 is above the partitions of every topic it scales on (largest: 12)");
  }

  @Test
  void kedaEnvVariableTheTargetLacks() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "ScaledObject/fanout-service", "/spec/triggers/0/metadata/bootstrapServersFromEnv", "KAFKA_BOOTSTRAP");
    assertThat(violations(f)).containsExactly(
        "[keda] ScaledObject/fanout-service trigger inbox-appends: bootstrapServersFromEnv names KAFKA_BOOTSTRAP, which the target's container does not have");
  }

  @Test
  void kedaTargetMissing() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "ScaledObject/fanout-service", "/spec/scaleTargetRef/name", "fanout");
    assertThat(violations(f)).containsExactly(
        "[keda] ScaledObject/fanout-service: scaleTargetRef Deployment/fanout is not in the overlay");
  }

  @Test
  void kedaAndAnHpaOnTheSameTarget() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "HorizontalPodAutoscaler/gateway-service", "/spec/scaleTargetRef/name", "fanout-service");
    assertThat(violations(f)).containsExactly(
        "[keda] ScaledObject/fanout-service: HorizontalPodAutoscaler/gateway-service targets Deployment/fanout-service too (KEDA makes its own HPA)");
  }

  @Test
  void serviceSelectorMatchesNoPod() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "Service/gateway-service", "/spec/selector/app.kubernetes.io~1name", "gateway");
    assertThat(violations(f)).containsExactly(
        "[selectors] Service/gateway-service: spec.selector {app.kubernetes.io/name=gateway} matches no pod template");
  }

  @Test
  void pdbSelectorMatchesNoPod() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "PodDisruptionBudget/gateway-service",
        "/spec/selector/matchLabels/app.kubernetes.io~1name", "gateway");
    assertThat(violations(f)).containsExactly("[selectors] PodDisruptionBudget/gateway-service: spec.selector matches no pod template");
  }

  @Test
  void deploymentSelectorMissesItsTemplate() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "Deployment/gateway-service",
        "/spec/template/metadata/labels/app.kubernetes.io~1name", "gateway");
    assertThat(violations(f)).containsExactly(
        "[selectors] Deployment/gateway-service: spec.selector does not match its own pod template's labels "
            + "{app.kubernetes.io/name=gateway, app.kubernetes.io/part-of=chatsync}",
        "[selectors] Service/gateway-service: spec.selector {app.kubernetes.io/name=gateway-service} matches no pod template",
        "[selectors] PodDisruptionBudget/gateway-service: spec.selector matches no pod template",
        "[network-policies] NetworkPolicy/fanout-service-ingress: spec.ingress[0].from[0].podSelector selects no pod of the overlay")
        .hasSize(4);
  }

  @Test
  void networkPolicySelectsNoPod() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "NetworkPolicy/fanout-service-ingress",
        "/spec/podSelector/matchLabels/app.kubernetes.io~1name", "fanout");
    assertThat(violations(f)).containsExactly(
        "[network-policies] NetworkPolicy/fanout-service-ingress: spec.podSelector selects no pod of the overlay");
  }

  @Test
  void networkPolicyPeerSelectsNoPod() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "NetworkPolicy/fanout-service-ingress",
        "/spec/ingress/0/from/0/podSelector/matchLabels/app.kubernetes.io~1name", "gateway");
    assertThat(violations(f)).containsExactly(
        "[network-policies] NetworkPolicy/fanout-service-ingress: spec.ingress[0].from[0].podSelector selects no pod of the overlay");
  }

  @Test
  void hpaTargetMissing() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "HorizontalPodAutoscaler/gateway-service", "/spec/scaleTargetRef/name", "gateway");
    assertThat(violations(f)).containsExactly(
        "[autoscaler-targets] HorizontalPodAutoscaler/gateway-service: scaleTargetRef Deployment/gateway is not in the overlay");
  }

  @Test
  void probeOnAPortTheContainerHasNot() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), FANOUT, APP + "/livenessProbe/httpGet/port", "management");
    assertThat(violations(f)).containsExactly(
        "[named-ports] Deployment/fanout-service container app: livenessProbe.httpGet.port management is not a port of the container [http]");
  }

  @Test
  void serviceTargetPortThePodsHaveNot() {
    List<Manifest> f = Fixtures.set(Fixtures.prodLike(), "Service/gateway-service", "/spec/ports/0/targetPort", "web");
    assertThat(violations(f)).containsExactly(
        "[named-ports] Service/gateway-service: targetPort web is not a port of Deployment/gateway-service [http]");
  }

  @Test
  void labelSelectorExpressions() {
    var labels = java.util.Map.of("app", "a", "tier", "web");
    assertThat(Policy.matches(Manifest.YAML.readTree("matchExpressions: [{key: tier, operator: In, values: [web, api]}]"), labels)).isTrue();
    assertThat(Policy.matches(Manifest.YAML.readTree("matchExpressions: [{key: tier, operator: NotIn, values: [web]}]"), labels)).isFalse();
    assertThat(Policy.matches(Manifest.YAML.readTree("matchExpressions: [{key: zone, operator: DoesNotExist}]"), labels)).isTrue();
    assertThat(Policy.matches(Manifest.YAML.readTree("matchExpressions: [{key: zone, operator: Exists}]"), labels)).isFalse();
    assertThat(Policy.matches(Manifest.YAML.readTree("{}"), labels)).isTrue();
  }
}
