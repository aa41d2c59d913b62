package dev.chatsync.k8s.checks;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubectlTest {

  @Test
  void saysHowToGetKubectlWhenThereIsNone(@TempDir Path empty) {
    assertThatThrownBy(() -> Kubectl.find(null, empty.toString(), List.of(empty.resolve("kubectl").toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("kubectl was not found")
        .hasMessageContaining("Install kubectl");
  }
}
