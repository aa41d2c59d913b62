package dev.chatsync.k8s.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every object of each rendered overlay validates against its schema. */
class OverlaySchemaTest {

  @ParameterizedTest(name = "overlay {0}")
  @ValueSource(strings = {"dev", "prod"})
  void everyObjectMatchesItsSchema(String overlay) {
    List<Manifest> objects = Overlays.rendered(overlay);
    assertThat(objects).as("objects rendered from k8s/overlays/" + overlay).isNotEmpty();
    List<String> failures = new ArrayList<>();
    StringBuilder summary = new StringBuilder("k8s/overlays/" + overlay + ": " + objects.size() + " objects\n");
    for (Manifest m : objects) {
      List<String> errors = Schemas.validate(m);
      summary.append("  ").append(m.id()).append(": ")
          .append(errors.isEmpty() ? "ok" : errors.size() + " error(s)")
          .append("  [").append(Schemas.source(m)).append("]\n");
      errors.forEach(e -> {
        failures.add(m.id() + ": " + e);
        summary.append("      ").append(e).append('\n');
      });
    }
    Reports.write("schema-" + overlay + ".txt", summary.toString());
    if ("prod".equals(overlay)) {
      System.out.print(summary);
    }
    assertThat(failures).as("schema errors in k8s/overlays/" + overlay).isEmpty();
  }
}
