package dev.chatsync.k8s.checks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Strimzi's CRDs, generated at test time from {@code io.strimzi:api} by {@code io.strimzi:crd-generator}
 * (both at the version in the pom), exactly as Strimzi's own build generates the CRDs it ships. Both
 * jars are Java 21 bytecode, so the generator runs in a forked process on a Java 21+ JDK found on the
 * machine, with the classpath that maven-dependency-plugin resolved (target/strimzi-crd-generator.classpath).
 * The CRDs land in target/k8s-checks/strimzi-VERSION/ and are reused while that classpath is unchanged.
 */
final class StrimziCrds {

  /** The custom resources the checks know, and the API class the generator reads for each. */
  static final Map<String, String> CLASSES = new LinkedHashMap<>();

  static {
    CLASSES.put("Kafka", "io.strimzi.api.kafka.model.kafka.Kafka");
    CLASSES.put("KafkaNodePool", "io.strimzi.api.kafka.model.nodepool.KafkaNodePool");
    CLASSES.put("KafkaTopic", "io.strimzi.api.kafka.model.topic.KafkaTopic");
    CLASSES.put("KafkaUser", "io.strimzi.api.kafka.model.user.KafkaUser");
  }

  static final String API_VERSION = "v1";

  private static Map<String, Path> generated;

  private StrimziCrds() {}

  /** kind -> CRD file, generating them on first use. */
  static synchronized Map<String, Path> crds() {
    if (generated == null) {
      generated = generate();
    }
    return generated;
  }

  private static Map<String, Path> generate() {
    Path classpathFile = Path.of(System.getProperty("chatsync.strimzi.classpath.file",
        Repo.root().resolve("k8s/checks/target/strimzi-crd-generator.classpath").toString()));
    if (!Files.isRegularFile(classpathFile)) {
      throw new IllegalStateException("missing " + classpathFile + ": run the tests through Maven "
          + "(./mvnw verify -pl k8s/checks), whose generate-test-resources phase writes it");
    }
    String version = System.getProperty("chatsync.strimzi.version", "unknown");
    Path out = Repo.workDir().resolve("strimzi-" + version);
    Map<String, Path> files = new LinkedHashMap<>();
    CLASSES.keySet().forEach(kind -> files.put(kind, out.resolve(kind + ".yaml")));
    try {
      Files.createDirectories(out);
      // Reused while the generator's classpath (hence Strimzi's version) is the same as last time.
      String classpath = Files.readString(classpathFile).trim();
      Path stamp = out.resolve("classpath.stamp");
      boolean fresh = Files.isRegularFile(stamp) && Files.readString(stamp).equals(classpath);
      for (Path f : files.values()) {
        fresh &= Files.isRegularFile(f) && Files.size(f) > 0;
      }
      if (fresh) {
        return files;
      }
      Path java = java21().orElseThrow(() -> new IllegalStateException(
          "Strimzi's CRD generator needs Java 21 or newer and none was found: this JVM is "
              + Runtime.version().feature() + "; looked at JAVA_21_HOME, JAVA_25_HOME, JAVA_HOME and the JDKs under "
              + "/usr/lib/jvm, /opt/java, /opt and ~/.sdkman/candidates/java. Install one (e.g. Temurin 21 or 25) "
              + "or set JAVA_21_HOME to it."));
      List<String> command = new ArrayList<>(List.of(java.toString(), "-cp",
          classpath, "io.strimzi.crdgenerator.CrdGenerator",
          "--yaml", "--crd-api-version", "v1", "--api-versions", API_VERSION, "--storage-version", API_VERSION));
      CLASSES.forEach((kind, cls) -> command.add(cls + "=" + files.get(kind)));
      Path log = out.resolve("generator.log");
      Process p = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("Strimzi's CRD generator did not finish in 180 s; see " + log);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("Strimzi's CRD generator failed (exit " + p.exitValue() + ") on " + java
            + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
      for (Path f : files.values()) {
        if (!Files.isRegularFile(f) || Files.size(f) == 0) {
          throw new IllegalStateException("Strimzi's CRD generator wrote no " + f + "; see " + log);
        }
      }
      Files.writeString(stamp, classpath);
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A `java` of version 21 or newer: this JVM, then the usual variables, then the usual folders. */
  static Optional<Path> java21() {
    if (Runtime.version().feature() >= 21) {
      return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
    }
    List<Path> homes = new ArrayList<>();
    for (String var : List.of("JAVA_21_HOME", "JAVA_25_HOME", "JAVA_HOME")) {
      String v = System.getenv(var);
      if (v != null && !v.isBlank()) {
        homes.add(Path.of(v));
      }
    }
    List<Path> found = new ArrayList<>();
    String home = System.getProperty("user.home", "");
    for (Path dir : List.of(Path.of("/usr/lib/jvm"), Path.of("/opt/java"), Path.of("/opt"),
        Path.of(home, ".sdkman/candidates/java"))) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          s.filter(Files::isDirectory).forEach(found::add);
        } catch (IOException e) {
          // not readable: skip
        }
      }
    }
    found.sort(Comparator.comparingInt(StrimziCrds::featureVersion).reversed());
    homes.addAll(found);
    return homes.stream()
        .filter(h -> featureVersion(h) >= 21)
        .map(h -> h.resolve("bin/java"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** The feature version a JDK's `release` file declares (JAVA_VERSION="25.0.1"), or 0. */
  static int featureVersion(Path javaHome) {
    Path release = javaHome.resolve("release");
    if (!Files.isRegularFile(release)) {
      return 0;
    }
    try {
      for (String line : Files.readAllLines(release)) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
          if (v.startsWith("1.")) {
            v = v.substring(2);
          }
          int end = 0;
          while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
          }
          return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
