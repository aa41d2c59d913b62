package dev.chatsync.k8s.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** k8s/README.md tells how to create every Secret of {@link UserSecrets}, with each of its keys. */
class UserSecretsDocumentedTest {

  @Test
  void readmeNamesEachUserSecretAndKey() {
    Path readme = Repo.k8s().resolve("README.md");
    assertThat(readme).as("k8s/README.md").exists();
    String text = Repo.read(readme);
    UserSecrets.SECRETS.forEach((name, keys) -> {
      assertThat(Pattern.compile("kubectl\\b[^\\n]*\\bcreate\\s+secret\\s+generic\\s+" + Pattern.quote(name) + "(\\s|$)",
          Pattern.MULTILINE).matcher(text).find())
          .as("k8s/README.md shows `kubectl create secret generic " + name + " ...`").isTrue();
      keys.forEach(key -> assertThat(text).as("k8s/README.md names key " + key + " of Secret " + name).contains(key));
    });
  }
}
