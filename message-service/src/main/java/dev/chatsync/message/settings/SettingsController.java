package dev.chatsync.message.settings;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.openapi.ErrorResponses;
import dev.chatsync.message.settings.SettingsService.SettingsRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Conversations", description = "Direct conversations and groups")
@RequestMapping("/api/v1/conversations/{conversationId}/settings")
class SettingsController {

  private final SettingsService settings;

  SettingsController(SettingsService settings) {
    this.settings = settings;
  }

  @GetMapping
  @Operation(operationId = "conversationSettings", summary = "The caller's settings of a conversation", description = "Its "
      + "mute: muted, and mutedUntil when the mute ends by itself.")
  @ErrorResponses({400, 403, 404})
  Mono<ConversationSettings> get(Caller caller, @PathVariable String conversationId) {
    return settings.get(caller, conversationId);
  }

  @PutMapping
  @Operation(operationId = "changeConversationSettings", summary = "Mute or unmute a conversation", description = "A muted conversation still syncs and counts unread, "
      + "but sends no offline push. mutedUntil (ISO-8601) ends the mute then; null mutes until unmuted.")
  @ErrorResponses({400, 403, 404})
  Mono<ConversationSettings> put(Caller caller, @PathVariable String conversationId,
      @RequestBody(required = false) SettingsRequest request) {
    return settings.put(caller, conversationId, request);
  }
}
