package dev.chatsync.k8s.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrimziCrdsTest {

  @Test
  void readsTheJdkVersion(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"25.0.1\"\n");
    assertThat(StrimziCrds.featureVersion(dir)).isEqualTo(25);
    Files.writeString(dir.resolve("release"), "JAVA_VERSION=\"1.8.0_392\"\n");
    assertThat(StrimziCrds.featureVersion(dir)).isEqualTo(8);
    assertThat(StrimziCrds.featureVersion(dir.resolve("none"))).isZero();
  }

  @Test
  void generatesTheCrdsOfTheVersionTheChecksUse() {
    StrimziCrds.crds().forEach((kind, file) -> {
      Manifest crd = Manifest.parseAll(Repo.read(file)).get(0);
      assertThat(crd.kind()).isEqualTo("CustomResourceDefinition");
      assertThat(crd.spec().path("names").path("kind").asString()).isEqualTo(kind);
      List<String> versions = new ArrayList<>();
      crd.spec().path("versions").forEach(v -> versions.add(v.path("name").asString()));
      assertThat(versions).contains(StrimziCrds.API_VERSION);
    });
  }
}
