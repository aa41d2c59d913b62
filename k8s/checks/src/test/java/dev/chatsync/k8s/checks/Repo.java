package dev.chatsync.k8s.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where things are: the repository root (Surefire passes it), and a scratch folder under target/. */
final class Repo {

  private Repo() {}

  static Path root() {
    String configured = System.getProperty("chatsync.repo.root");
    Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
    for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("contracts"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the repository root from " + start);
  }

  static Path k8s() {
    return root().resolve("k8s");
  }

  static Path overlay(String name) {
    return k8s().resolve("overlays").resolve(name);
  }

  /** A folder for generated files (CRDs, reports): target/k8s-checks, never committed. */
  static Path workDir() {
    String configured = System.getProperty("chatsync.checks.work.dir");
    Path dir = configured != null ? Path.of(configured) : root().resolve("k8s/checks/target/k8s-checks");
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
