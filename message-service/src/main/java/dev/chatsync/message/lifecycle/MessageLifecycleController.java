package dev.chatsync.message.lifecycle;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.openapi.ErrorResponses;
import dev.chatsync.message.timeline.Message;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Messages", description = "Sending and history")
@RequestMapping("/api/v1/conversations/{conversationId}/messages/{seq}")
class MessageLifecycleController {

  private final MessageLifecycleService lifecycle;

  MessageLifecycleController(MessageLifecycleService lifecycle) {
    this.lifecycle = lifecycle;
  }

  @PatchMapping
  @Operation(operationId = "editMessage", summary = "Edit a message", description = "Only the sender edits. The answer is the message's new state; its "
      + "ETag is the new version. With If-Match: \"<version>\", a message at another version answers 409. A recalled "
      + "message answers 409. Every member's devices get a message-updated entry.")
  @ApiResponse(responseCode = "200", description = "edited", content = @Content(schema = @Schema(implementation = Message.class)))
  @ErrorResponses({400, 403, 404, 409, 413})
  Mono<ResponseEntity<Message>> edit(Caller caller, @PathVariable String conversationId, @PathVariable long seq,
      @RequestBody(required = false) EditMessageRequest request,
      @Parameter(description = "the version the client last saw, as the ETag gave it: \"2\"")
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return lifecycle.edit(caller, conversationId, seq, request, ifMatch)
        .map(message -> ResponseEntity.ok().eTag(IfMatch.etagOf(message.version())).body(message));
  }

  @DeleteMapping
  @Operation(operationId = "recallMessage", summary = "Recall a message", description = "For everyone: the sender within chat.messages.recall-window "
      + "(24 h by default), or the group's creator at any time. The body is removed for good; history then shows the "
      + "message as type recalled. A repeated recall answers 204 too.")
  @ApiResponse(responseCode = "204", description = "recalled")
  @ErrorResponses({400, 403, 404})
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> recall(Caller caller, @PathVariable String conversationId, @PathVariable long seq) {
    return lifecycle.recall(caller, conversationId, seq);
  }
}
