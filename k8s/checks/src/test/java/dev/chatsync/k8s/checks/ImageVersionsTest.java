package dev.chatsync.k8s.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The image tags written across the repository (compose, the dev overlay, Kubernetes' image list,
 * the Testcontainers defaults, the scripts) name the versions the build really uses: Kafka's and
 * Cassandra's from the launcher's classpath poms, ours from the root pom. A version bumped in one
 * place and not the others fails here instead of at someone's deployment.
 */
class ImageVersionsTest {

  private static final Pattern TAGGED = Pattern.compile("chatsync/(kafka|cassandra|gateway-service|message-service|fanout-service|sync-service|setup):([0-9][\\w.-]*)");
  private static final Pattern KUSTOMIZE_TAG = Pattern.compile("- name: chatsync/([\\w-]+)\\s+newTag: (\\S+)");

  @Test
  void everyTaggedImageNamesTheVersionTheBuildUses() throws IOException {
    Path root = Repo.root();
    String kafka = firstGroup(Repo.read(root.resolve("deploy/local/classpath/kafka/pom.xml")), "<kafka.version>([^<]+)</kafka.version>");
    String cassandra = firstGroup(Repo.read(root.resolve("deploy/local/classpath/cassandra/pom.xml")),
        "<artifactId>cassandra-all</artifactId><version>([^<]+)</version>");
    String project = firstGroup(Repo.read(root.resolve("pom.xml")), "<artifactId>chatsync</artifactId>\\s*<version>([^<]+)</version>");

    List<String> wrong = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (Path file : filesThatNameImages(root)) {
      String text = Repo.read(file);
      Matcher tagged = TAGGED.matcher(text);
      while (tagged.find()) {
        String expected = switch (tagged.group(1)) {
          case "kafka" -> kafka;
          case "cassandra" -> cassandra;
          default -> project;
        };
        seen.add(tagged.group());
        if (!tagged.group(2).equals(expected)) {
          wrong.add(root.relativize(file) + ": " + tagged.group() + " (the build uses " + expected + ")");
        }
      }
      Matcher kustomize = KUSTOMIZE_TAG.matcher(text);
      while (kustomize.find()) {
        seen.add(kustomize.group());
        if (!kustomize.group(2).equals(project)) {
          wrong.add(root.relativize(file) + ": chatsync/" + kustomize.group(1) + " newTag " + kustomize.group(2) + " (the build is " + project + ")");
        }
      }
    }
    assertThat(seen).as("image references found").hasSizeGreaterThan(10);
    assertThat(wrong).isEmpty();
  }

  private static List<Path> filesThatNameImages(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("deploy/compose", "deploy/docker", "deploy/images", "k8s/base", "k8s/overlays", "k8s/jobs",
        "test-infrastructure/src/main/java")) {
      try (Stream<Path> walk = Files.walk(root.resolve(dir))) {
        walk.filter(Files::isRegularFile).filter(file -> file.toString().matches(".*\\.(ya?ml|sh|java|md)$") || !file.getFileName().toString().contains("."))
            .forEach(files::add);
      }
    }
    return files;
  }

  private static String firstGroup(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as(regex).isTrue();
    return matcher.group(1);
  }
}
