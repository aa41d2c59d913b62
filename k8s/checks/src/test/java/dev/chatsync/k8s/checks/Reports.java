package dev.chatsync.k8s.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Plain-text reports under target/k8s-checks/, for people and for the closing notes. */
final class Reports {

  private Reports() {}

  static void write(String name, String text) {
    try {
      Files.writeString(Repo.workDir().resolve(name), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
