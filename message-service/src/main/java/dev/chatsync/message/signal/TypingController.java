package dev.chatsync.message.signal;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.openapi.ErrorResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Signals", description = "Pushed to open streams, never stored")
class TypingController {

  private final TypingService typing;

  TypingController(TypingService typing) {
    this.typing = typing;
  }

  @PostMapping("/api/v1/conversations/{conversationId}/typing")
  @Operation(operationId = "typing", summary = "Say the caller is typing", description = "The other members' open streams get a typing event "
      + "(no id: line). At most one per user per conversation every 3 s is forwarded, and none in groups above "
      + "chat.signals.typing-max-members (100 by default). Nothing is stored.")
  @ApiResponse(responseCode = "204", description = "forwarded, or dropped as the rules above say")
  @ErrorResponses({400, 403, 404})
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> typing(Caller caller, @PathVariable String conversationId) {
    return typing.typing(caller, conversationId);
  }
}
