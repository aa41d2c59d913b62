package dev.chatsync.message.send;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.message.send.owner.SendForwarder;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/conversations/{conversationId}/messages")
class MessageController {

  private final SendService sender;
  private final HistoryService history;

  MessageController(SendService sender, HistoryService history) {
    this.sender = sender;
    this.history = history;
  }

  /** 201 for a new message, 200 for a retry of one (same clientMsgId): same seq and messageId. */
  @PostMapping
  Mono<ResponseEntity<SentMessage>> send(Caller caller, @PathVariable String conversationId,
      @RequestBody(required = false) SendMessageRequest request,
      @RequestHeader(name = SendForwarder.HEADER, required = false) String forwardedBy) {
    return sender.send(caller, conversationId, request)
        .map(outcome -> ResponseEntity.status(outcome.created() ? HttpStatus.CREATED : HttpStatus.OK).body(outcome.message()))
        .contextWrite(context -> SendForwarder.forwardedHere(context, forwardedBy));
  }

  @GetMapping
  Mono<HistoryPage> history(Caller caller, @PathVariable String conversationId,
      @RequestParam(required = false) Long before, @RequestParam(required = false) Long after,
      @RequestParam(required = false) Integer limit) {
    return history.history(caller, conversationId, before, after, limit);
  }
}
