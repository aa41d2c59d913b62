package dev.chatsync.sync.device;

import dev.chatsync.contracts.Ids;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.contracts.web.openapi.ErrorResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Push", description = "Offline push to devices without an open stream")
class DeviceController {

  private static final Set<String> PROVIDERS = Set.of("webhook", "fcm", "apns");
  private static final int MAX_TOKEN = 4096;

  private final PushTargets targets;
  private final PushTargetProperties properties;

  DeviceController(PushTargets targets, PushTargetProperties properties) {
    this.targets = targets;
    this.properties = properties;
  }

  @PutMapping("/api/v1/devices/{deviceId}/push")
  @Operation(summary = "Register a device's push target", description = "The caller's device gets a notification when a "
      + "message or a recall reaches the caller's inbox while the device holds no open stream. provider: webhook, fcm or "
      + "apns; token: the provider's device token; endpoint: the URL a webhook push is POSTed to (webhook only). A new "
      + "registration replaces the old one and enables a target the provider refused before.")
  @ApiResponse(responseCode = "204", description = "registered")
  @ErrorResponses(400)
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> register(Caller caller, @PathVariable String deviceId, @RequestBody(required = false) PushTarget target) {
    ErrorResponseException bad = problemWith(deviceId, target);
    return bad != null ? Mono.error(bad)
        : targets.register(caller.userId(), deviceId, "webhook".equals(target.provider()) ? target
            : new PushTarget(target.provider(), target.token(), null));
  }

  @DeleteMapping("/api/v1/devices/{deviceId}/push")
  @Operation(summary = "Remove a device's push target")
  @ApiResponse(responseCode = "204", description = "removed, or there was none")
  @ErrorResponses(400)
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> remove(Caller caller, @PathVariable String deviceId) {
    String problem = Ids.problemWith(deviceId);
    return problem != null ? Mono.error(Problems.invalid("deviceId", problem)) : targets.remove(caller.userId(), deviceId);
  }

  private ErrorResponseException problemWith(String deviceId, PushTarget target) {
    String problem = Ids.problemWith(deviceId);
    if (problem != null) {
      return Problems.invalid("deviceId", problem);
    }
    if (target == null || target.provider() == null || !PROVIDERS.contains(target.provider())) {
      return Problems.invalid("provider", "must be webhook, fcm or apns");
    }
    if (target.token() == null || target.token().isBlank() || target.token().length() > MAX_TOKEN) {
      return Problems.invalid("token", "is required, at most " + MAX_TOKEN + " characters");
    }
    if (!"webhook".equals(target.provider())) {
      return null;
    }
    URI endpoint;
    try {
      endpoint = target.endpoint() == null ? null : URI.create(target.endpoint());
    } catch (IllegalArgumentException notAUri) {
      endpoint = null;
    }
    if (endpoint == null || endpoint.getHost() == null
        || !("https".equals(endpoint.getScheme()) || "http".equals(endpoint.getScheme()))) {
      return Problems.invalid("endpoint", "must be an absolute http or https URL, for a webhook");
    }
    if (!properties.webhookAllowedHosts().isEmpty() && !properties.webhookAllowedHosts().contains(endpoint.getHost())) {
      return Problems.invalid("endpoint", "must be on one of the hosts chat.push.webhook-allowed-hosts names");
    }
    return null;
  }
}
