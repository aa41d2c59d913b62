package dev.chatsync.k8s.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each rendered overlay keeps the deployment policy ({@link Policy}; exemptions: Policy.EXEMPTIONS). */
class OverlayPolicyTest {

  @ParameterizedTest(name = "overlay {0}")
  @ValueSource(strings = {"dev", "prod"})
  void keepsThePolicy(String overlay) {
    List<Manifest> objects = Overlays.rendered(overlay);
    List<String> violations = Policy.check(objects, ProjectFacts.fromRepo());
    StringBuilder report = new StringBuilder("k8s/overlays/" + overlay + ": " + violations.size() + " policy violation(s)\n");
    violations.forEach(v -> report.append("  ").append(v).append('\n'));
    report.append("exemptions:\n");
    Policy.EXEMPTIONS.forEach(e -> report.append("  [").append(e.rule()).append("] ").append(e.what()).append(": ").append(e.why()).append('\n'));
    Reports.write("policy-" + overlay + ".txt", report.toString());
    System.out.print(report);
    assertThat(violations).as("policy violations in k8s/overlays/" + overlay).isEmpty();
  }

  @ParameterizedTest(name = "overlay {0}")
  @ValueSource(strings = {"dev", "prod"})
  void rendersWorkloadsAndTheirServices(String overlay) {
    List<Manifest> objects = Overlays.rendered(overlay);
    for (String name : List.of("gateway-service", "message-service", "fanout-service", "sync-service")) {
      assertThat(objects).as(overlay + " renders Deployment/" + name).anyMatch(m -> m.id().equals("Deployment/" + name));
    }
  }
}
