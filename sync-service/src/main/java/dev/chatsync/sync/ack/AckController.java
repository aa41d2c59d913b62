package dev.chatsync.sync.ack;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.contracts.web.openapi.ErrorResponses;
import dev.chatsync.sync.inbox.InboxReader;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /ack}: a batched delivery ACK for the calling device (docs/design.md, "The ideas"). */
@RestController
@Tag(name = "Sync")
class AckController {

  record AckRequest(Long upTo) {}

  private final DeviceCursors cursors;
  private final InboxReader inbox;

  AckController(DeviceCursors cursors, InboxReader inbox) {
    this.cursors = cursors;
    this.inbox = inbox;
  }

  @PostMapping("/api/v1/ack")
  @Operation(summary = "Acknowledge up to an inbox seq", description = "The device's acknowledged position; it never moves back.")
  @ApiResponse(responseCode = "204", description = "recorded")
  @ErrorResponses(400)
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> acknowledge(Caller caller, @RequestBody(required = false) AckRequest request) {
    if (request == null || request.upTo() == null || request.upTo() < 0) {
      return Mono.error(Problems.invalid("upTo", "must be an inbox seq of at least 0"));
    }
    return inbox.bounds(caller.userId()).map(bounds -> bounds.head()).flatMap(head -> request.upTo() > head
        ? Mono.error(Problems.invalid("upTo", "is beyond the inbox head " + head))
        : cursors.acknowledge(caller.userId(), caller.deviceId(), request.upTo()));
  }
}
