package dev.chatsync.k8s.checks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Renders a kustomization with `kubectl kustomize DIR` (offline; no API server involved). */
final class Kubectl {

  static final String MISSING =
      "kubectl was not found (looked at $KUBECTL, the PATH, /usr/bin/kubectl, /usr/local/bin/kubectl). "
          + "These checks render the overlays with `kubectl kustomize`, which works offline. Install kubectl "
          + "(1.27 or newer; any package of it, e.g. Debian/Ubuntu `apt-get install kubectl` from the "
          + "Kubernetes package repository, or the static binary from the Kubernetes 'Install Tools' page) "
          + "or point the KUBECTL environment variable at one.";

  private Kubectl() {}

  static Path find() {
    return find(System.getenv("KUBECTL"), System.getenv("PATH"), List.of("/usr/bin/kubectl", "/usr/local/bin/kubectl"));
  }

  static Path find(String kubectlVariable, String path, List<String> fallbacks) {
    if (kubectlVariable != null && !kubectlVariable.isBlank() && Files.isExecutable(Path.of(kubectlVariable))) {
      return Path.of(kubectlVariable);
    }
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl"))) {
          return Path.of(dir, "kubectl");
        }
      }
    }
    for (String candidate : fallbacks) {
      if (Files.isExecutable(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    throw new IllegalStateException(MISSING);
  }

  /** The rendered YAML stream of a kustomization directory. */
  static String kustomize(Path dir) {
    if (!Files.isRegularFile(dir.resolve("kustomization.yaml")) && !Files.isRegularFile(dir.resolve("kustomization.yml"))
        && !Files.isRegularFile(dir.resolve("Kustomization"))) {
      throw new IllegalStateException("no kustomization in " + dir);
    }
    Path kubectl = find();
    try {
      Process process = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      String out = readAll(process.getInputStream());
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl kustomize " + dir + " did not finish in 120 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("kubectl kustomize " + dir + " failed (exit " + process.exitValue() + "):\n" + err.join());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + kubectl + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String readAll(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
