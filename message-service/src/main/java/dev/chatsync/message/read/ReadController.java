package dev.chatsync.message.read;

import dev.chatsync.contracts.identity.Caller;
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
class ReadController {

  record ReadRequest(Long upTo) {}

  private final ReadService reads;
  private final ReceiptService receipts;

  ReadController(ReadService reads, ReceiptService receipts) {
    this.reads = reads;
    this.receipts = receipts;
  }

  @PostMapping("/api/v1/conversations/{conversationId}/read")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> read(Caller caller, @PathVariable String conversationId, @RequestBody(required = false) ReadRequest request) {
    return reads.read(caller, conversationId, request == null ? null : request.upTo());
  }

  @GetMapping("/api/v1/conversations/{conversationId}/messages/{seq}/receipts")
  Mono<ReceiptService.Receipts> receipts(Caller caller, @PathVariable String conversationId, @PathVariable long seq,
      @RequestParam(required = false) Integer limit, @RequestParam(required = false) String pageToken) {
    return receipts.receipts(caller, conversationId, seq, limit, pageToken);
  }
}
