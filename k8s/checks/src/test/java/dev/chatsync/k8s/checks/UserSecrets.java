package dev.chatsync.k8s.checks;

import java.util.Map;
import java.util.Set;

/**
 * The Secrets the user creates by hand before applying an overlay (never committed), with their keys:
 * the one place this list lives. k8s/README.md must tell how to create each (UserSecretsDocumentedTest).
 */
final class UserSecrets {

  static final Map<String, Set<String>> SECRETS = Map.of(
      // HMAC key of the gateway's signed identity header (gateway, message, sync) and the JWT key (gateway).
      "chatsync", Set.of("identity-secret", "jwt-secret"));

  private UserSecrets() {}
}
