package dev.chatsync.k8s.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One deliberately broken manifest: the prod overlay's gateway Deployment with six mistakes, and
 * what the checks say about it (printed, and written to target/k8s-checks/broken-example.txt).
 */
class BrokenManifestReportTest {

  /** The index of the first environment variable of the first container that comes from a Secret. */
  private static int firstSecretEnv(Manifest deployment) {
    var env = deployment.node().at("/spec/template/spec/containers/0/env");
    for (int i = 0; i < env.size(); i++) {
      if (env.get(i).path("valueFrom").has("secretKeyRef")) {
        return i;
      }
    }
    throw new IllegalStateException(deployment.id() + " takes no environment variable from a Secret");
  }

  @Test
  void reportsEveryMistakeOfABrokenDeployment() {
    List<Manifest> objects = new ArrayList<>(Overlays.rendered("prod"));
    objects.replaceAll(m -> new Manifest(m.node().deepCopy()));
    String id = "Deployment/gateway-service";
    String app = "/spec/template/spec/containers/0";
    Fixtures.rename(objects, id, app + "/readinessProbe", "readynessProbe"); // misspelt: unknown field, and so no readiness probe
    Fixtures.set(objects, id, "/spec/revisionHistoryLimit", "5");               // a string where an int goes
    Fixtures.set(objects, id, app + "/imagePullPolicy", "IfMissing");            // not an enum value
    Fixtures.set(objects, id, app + "/image", "chatsync/gateway-service:latest");
    Fixtures.set(objects, id, app + "/securityContext/allowPrivilegeEscalation", true);
    Fixtures.set(objects, id, app + "/env/" + firstSecretEnv(Fixtures.get(objects, id)) + "/valueFrom/secretKeyRef/name", "gateway-secrets");

    List<String> schema = Schemas.validate(Fixtures.get(objects, id));
    List<String> policy = Policy.check(objects, ProjectFacts.fromRepo()).stream().filter(v -> v.contains(id + " ")).toList();
    StringBuilder report = new StringBuilder("A broken copy of k8s/overlays/prod's " + id + ":\n  schema:\n");
    schema.forEach(e -> report.append("    ").append(e).append('\n'));
    report.append("  policy:\n");
    policy.forEach(e -> report.append("    ").append(e).append('\n'));
    Reports.write("broken-example.txt", report.toString());
    System.out.print(report);

    String c0 = "spec.template.spec.containers[0]";
    assertThat(schema).containsExactlyInAnyOrder(
        c0 + ".readynessProbe: unknown field \"readynessProbe\" in V1Container",
        "spec.revisionHistoryLimit: expected an integer, got string \"5\"",
        c0 + ".imagePullPolicy: \"IfMissing\" is not one of [Always, IfNotPresent, Never]");
    assertThat(policy).contains(
        "[probes] Deployment/gateway-service container app: no readinessProbe",
        "[image-tag] Deployment/gateway-service container app: image chatsync/gateway-service:latest uses the tag latest",
        "[privilege-escalation] Deployment/gateway-service container app: securityContext.allowPrivilegeEscalation is not false");
    assertThat(policy).anyMatch(v -> v.startsWith("[secrets] Deployment/gateway-service container app env ")
        && v.contains("Secret gateway-secrets is neither rendered"));
  }
}
