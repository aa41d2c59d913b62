package dev.chatsync.k8s.checks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The rendered overlays, each rendered once per test run. */
final class Overlays {

  static final List<String> NAMES = List.of("dev", "prod");

  private static final Map<String, List<Manifest>> RENDERED = new ConcurrentHashMap<>();

  private Overlays() {}

  static List<Manifest> rendered(String overlay) {
    return RENDERED.computeIfAbsent(overlay, o -> Manifest.parseAll(Kubectl.kustomize(Repo.overlay(o))));
  }
}
