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
import java.util.regex.Pattern;
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
  private static final Pattern TOKEN = Pattern.compile("\\p{Graph}{1," + MAX_TOKEN + "}");
  private static final Pattern APNS_TOKEN = Pattern.compile("[0-9a-fA-F]{16,200}");

  private final PushTargets targets;
  private final PushTargetProperties properties;

  DeviceController(PushTargets targets, PushTargetProperties properties) {
    this.targets = targets;
    this.properties = properties;
  }

  @PutMapping("/api/v1/devices/{deviceId}/push")
  @Operation(operationId = "registerPushTarget", summary = "Register a device's push target", description = "The caller's device gets a notification when a "
      + "message or a recall reaches the caller's inbox while the device holds no open stream. provider: webhook, fcm or "
      + "apns; token: the provider's device token; endpoint: the URL a webhook push is POSTed to (webhook only). A new "
      + "registration replaces the old one and enables a target the provider refused before. Only the calling device "
      + "(X-Device-Id) registers itself; a user has at most chat.push.max-targets (10) devices with targets; a webhook "
      + "endpoint must be on a host chat.push.webhook-allowed-hosts names.")
  @ApiResponse(responseCode = "204", description = "registered")
  @ErrorResponses({400, 403, 409})
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> register(Caller caller, @PathVariable String deviceId, @RequestBody(required = false) PushTarget target) {
    ErrorResponseException bad = problemWith(deviceId, target);
    if (bad != null) {
      return Mono.error(bad);
    }
    if (!deviceId.equals(caller.deviceId())) {
      return Mono.error(Problems.forbidden("A device registers its own push target: " + deviceId + " is not the calling "
          + "device (X-Device-Id " + caller.deviceId() + ")."));
    }
    PushTarget kept = "webhook".equals(target.provider()) ? target : new PushTarget(target.provider(), target.token(), null);
    // P7: a user's devices with targets are few; each message to them costs a push to each.
    return targets.devices(caller.userId(), properties.maxTargets()).flatMap(devices -> devices.size() >= properties.maxTargets()
        && !devices.contains(deviceId)
        ? Mono.error(Problems.conflict("At most " + properties.maxTargets() + " devices of a user have push targets; "
            + "remove one (DELETE /devices/{deviceId}/push) first."))
        : targets.register(caller.userId(), deviceId, kept));
  }

  @DeleteMapping("/api/v1/devices/{deviceId}/push")
  @Operation(operationId = "removePushTarget", summary = "Remove a device's push target", description = "Any of the "
      + "caller's devices; removing a target that is not there is a 204 too.")
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
    if (target.token() == null || !TOKEN.matcher(target.token()).matches()) {
      return Problems.invalid("token", "is required: 1 to " + MAX_TOKEN + " printable characters without spaces");
    }
    if ("apns".equals(target.provider()) && !APNS_TOKEN.matcher(target.token()).matches()) {
      return Problems.invalid("token", "must be the hexadecimal device token APNs gave the app");
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
    if (!properties.webhookAllowedHosts().contains(endpoint.getHost())) {
      return Problems.invalid("endpoint", properties.webhookAllowedHosts().isEmpty()
          ? "cannot be used: webhook targets are off here (chat.push.webhook-allowed-hosts names no host)"
          : "must be on one of the hosts chat.push.webhook-allowed-hosts names");
    }
    return null;
  }
}
