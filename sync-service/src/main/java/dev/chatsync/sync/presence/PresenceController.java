package dev.chatsync.sync.presence;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.contracts.web.openapi.ErrorResponses;
import dev.chatsync.sync.signal.PresenceEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Signals", description = "Pushed to open streams, never stored")
class PresenceController {

  record PresencePage(List<PresenceEvent> items) {}

  /** The caller's own settings. */
  record UserSettings(Boolean showPresence) {}

  private final PresenceService presence;

  PresenceController(PresenceService presence) {
    this.presence = presence;
  }

  @GetMapping("/api/v1/presence")
  @Operation(operationId = "presence", summary = "Who is online", description = "A user is online while one of their devices holds a stream. At most "
      + "100 users, comma-separated. Only the caller's direct-conversation partners (and the caller) show as they are; "
      + "anyone else, and a user who hides their presence, is offline with no lastSeenAt.")
  @ErrorResponses(400)
  Mono<PresencePage> presence(Caller caller, @RequestParam(required = false) String userIds) {
    return Mono.defer(() -> presence.of(caller.userId(), userIds)).map(PresencePage::new);
  }

  @GetMapping("/api/v1/me/settings")
  @Operation(operationId = "userSettings", summary = "The caller's settings", description = "showPresence: whether "
      + "others may see the caller online.")
  Mono<UserSettings> settings(Caller caller) {
    return presence.shown(caller.userId()).map(UserSettings::new);
  }

  @PutMapping("/api/v1/me/settings")
  @Operation(operationId = "changeUserSettings", summary = "Change the caller's settings", description = "showPresence: false hides the caller's presence: "
      + "always offline to others, and no presence events; their direct partners are told offline once.")
  @ErrorResponses(400)
  Mono<UserSettings> change(Caller caller, @RequestBody(required = false) UserSettings request) {
    if (request == null || request.showPresence() == null) {
      return Mono.error(Problems.invalid("showPresence", "is required: true or false"));
    }
    return presence.show(caller.userId(), request.showPresence()).thenReturn(request);
  }
}
