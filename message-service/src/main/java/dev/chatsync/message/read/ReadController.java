package dev.chatsync.message.read;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.openapi.ErrorResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Read state", description = "Read positions and receipts")
class ReadController {

  record ReadRequest(Long upTo) {}

  private final ReadService reads;
  private final ReceiptService receipts;

  ReadController(ReadService reads, ReceiptService receipts) {
    this.reads = reads;
    this.receipts = receipts;
  }

  @PostMapping("/api/v1/conversations/{conversationId}/read")
  @Operation(summary = "Mark read up to a seq", description = "The read position moves forward, never back; the caller's "
      + "other devices get a read entry, the senders of the newly read messages a receipt entry.")
  @ApiResponse(responseCode = "204", description = "recorded")
  @ErrorResponses({400, 403, 404})
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> read(Caller caller, @PathVariable String conversationId, @RequestBody(required = false) ReadRequest request) {
    return reads.read(caller, conversationId, request == null ? null : request.upTo());
  }

  @GetMapping("/api/v1/conversations/{conversationId}/messages/{seq}/receipts")
  @Operation(summary = "Who read a message", description = "Computed from the members' read positions, readers paged.")
  @ErrorResponses({400, 403, 404})
  Mono<ReceiptService.Receipts> receipts(Caller caller, @PathVariable String conversationId, @PathVariable long seq,
      @RequestParam(required = false) Integer limit, @RequestParam(required = false) String pageToken) {
    return receipts.receipts(caller, conversationId, seq, limit, pageToken);
  }
}
