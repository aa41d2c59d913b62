package dev.chatsync.k8s.checks;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Allowed values of enum-like string fields of the core API. WRITTEN BY HAND: the client models that
 * {@link CoreSchema} reads type these fields as plain strings, so the values come from the Kubernetes
 * API reference, one entry per (model, field). A field not listed here takes any string; the list
 * covers the fields that Deployments, StatefulSets, Jobs, Services, HPAs, PDBs, NetworkPolicies and
 * Ingresses commonly set. For a list-valued field, every element must be allowed.
 */
final class CoreEnums {

  private static final Map<String, Set<String>> ALLOWED = new TreeMap<>();

  static {
    // Pods and containers
    allow("V1Container.imagePullPolicy", "Always", "IfNotPresent", "Never");
    allow("V1Container.terminationMessagePolicy", "File", "FallbackToLogsOnError");
    allow("V1Container.restartPolicy", "Always"); // only for init containers (sidecars)
    allow("V1PodSpec.restartPolicy", "Always", "OnFailure", "Never");
    allow("V1PodSpec.dnsPolicy", "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None");
    allow("V1PodSpec.preemptionPolicy", "PreemptLowerPriority", "Never");
    allow("V1ContainerPort.protocol", "TCP", "UDP", "SCTP");
    allow("V1HTTPGetAction.scheme", "HTTP", "HTTPS");
    allow("V1SeccompProfile.type", "RuntimeDefault", "Localhost", "Unconfined");
    allow("V1AppArmorProfile.type", "RuntimeDefault", "Localhost", "Unconfined");
    allow("V1PodSecurityContext.fsGroupChangePolicy", "OnRootMismatch", "Always");
    allow("V1SecurityContext.procMount", "Default", "Unmasked");
    allow("V1Toleration.operator", "Exists", "Equal");
    allow("V1Toleration.effect", "NoSchedule", "PreferNoSchedule", "NoExecute");
    allow("V1LabelSelectorRequirement.operator", "In", "NotIn", "Exists", "DoesNotExist");
    allow("V1NodeSelectorRequirement.operator", "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt");
    allow("V1TopologySpreadConstraint.whenUnsatisfiable", "DoNotSchedule", "ScheduleAnyway");
    allow("V1TopologySpreadConstraint.nodeAffinityPolicy", "Honor", "Ignore");
    allow("V1TopologySpreadConstraint.nodeTaintsPolicy", "Honor", "Ignore");
    allow("V1PersistentVolumeClaimSpec.accessModes", "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod");
    allow("V1PersistentVolumeClaimSpec.volumeMode", "Filesystem", "Block");
    allow("V1EmptyDirVolumeSource.medium", "", "Memory");
    // Workloads
    allow("V1DeploymentStrategy.type", "Recreate", "RollingUpdate");
    allow("V1StatefulSetSpec.podManagementPolicy", "OrderedReady", "Parallel");
    allow("V1StatefulSetUpdateStrategy.type", "RollingUpdate", "OnDelete");
    allow("V1StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted", "Retain", "Delete");
    allow("V1StatefulSetPersistentVolumeClaimRetentionPolicy.whenScaled", "Retain", "Delete");
    allow("V1JobSpec.completionMode", "NonIndexed", "Indexed");
    allow("V1JobSpec.podReplacementPolicy", "TerminatingOrFailed", "Failed");
    allow("V1PodFailurePolicyRule.action", "FailJob", "FailIndex", "Ignore", "Count");
    allow("V1CronJobSpec.concurrencyPolicy", "Allow", "Forbid", "Replace");
    // Services and networking
    allow("V1ServiceSpec.type", "ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
    allow("V1ServiceSpec.sessionAffinity", "ClientIP", "None");
    allow("V1ServiceSpec.externalTrafficPolicy", "Cluster", "Local");
    allow("V1ServiceSpec.internalTrafficPolicy", "Cluster", "Local");
    allow("V1ServiceSpec.ipFamilyPolicy", "SingleStack", "PreferDualStack", "RequireDualStack");
    allow("V1ServiceSpec.ipFamilies", "IPv4", "IPv6");
    allow("V1ServicePort.protocol", "TCP", "UDP", "SCTP");
    allow("V1NetworkPolicyPort.protocol", "TCP", "UDP", "SCTP");
    allow("V1NetworkPolicySpec.policyTypes", "Ingress", "Egress");
    allow("V1HTTPIngressPath.pathType", "Exact", "Prefix", "ImplementationSpecific");
    // Autoscaling and disruption budgets
    allow("V2MetricSpec.type", "ContainerResource", "External", "Object", "Pods", "Resource");
    allow("V2MetricTarget.type", "AverageValue", "Utilization", "Value");
    allow("V2HPAScalingRules.selectPolicy", "Max", "Min", "Disabled");
    allow("V2HPAScalingPolicy.type", "Pods", "Percent");
    allow("V1PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy", "IfHealthyBudget", "AlwaysAllow");
  }

  private CoreEnums() {}

  private static void allow(String modelDotField, String... values) {
    ALLOWED.put(modelDotField, new LinkedHashSet<>(List.of(values)));
  }

  /** The allowed values of a field, or null when the field is not an enum this table knows. */
  static Set<String> allowed(String model, String field) {
    return ALLOWED.get(model + "." + field);
  }

  static Set<String> fields() {
    return ALLOWED.keySet();
  }
}
