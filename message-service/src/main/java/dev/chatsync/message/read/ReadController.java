package dev.chatsync.message.read;

import dev.chatsync.contracts.identity.Caller;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
class ReadController {

  record ReadRequest(Long upTo) {}

  private final ReadService reads;

  ReadController(ReadService reads) {
    this.reads = reads;
  }

  @PostMapping("/api/v1/conversations/{conversationId}/read")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> read(Caller caller, @PathVariable String conversationId, @RequestBody(required = false) ReadRequest request) {
    return reads.read(caller, conversationId, request == null ? null : request.upTo());
  }
}
