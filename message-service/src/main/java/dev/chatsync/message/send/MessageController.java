package dev.chatsync.message.send;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.openapi.ErrorResponses;
import dev.chatsync.message.send.owner.SendForwarder;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Messages", description = "Sending and history")
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
  @Operation(summary = "Send a message", description = "Answers once the message is stored. The same clientMsgId from the "
      + "same sender in the same conversation again answers 200 with the same seq and messageId, and stores nothing new.")
  @ApiResponse(responseCode = "201", description = "stored: a new message", content = @Content(schema = @Schema(implementation = SentMessage.class)))
  @ApiResponse(responseCode = "200", description = "a retry of a stored message", content = @Content(schema = @Schema(implementation = SentMessage.class)))
  @ErrorResponses({400, 403, 404, 413})
  Mono<ResponseEntity<SentMessage>> send(Caller caller, @PathVariable String conversationId,
      @RequestBody(required = false) SendMessageRequest request,
      @Parameter(hidden = true) @RequestHeader(name = SendForwarder.HEADER, required = false) String forwardedBy) {
    return sender.send(caller, conversationId, request)
        .map(outcome -> ResponseEntity.status(outcome.created() ? HttpStatus.CREATED : HttpStatus.OK).body(outcome.message()))
        .contextWrite(context -> SendForwarder.forwardedHere(context, forwardedBy));
  }

  @GetMapping
  @Operation(summary = "Read history", description = "Messages in seq order, from the seq at which the caller joined; "
      + "before and after are seqs, limit at most 200.")
  @ErrorResponses({400, 403, 404})
  Mono<HistoryPage> history(Caller caller, @PathVariable String conversationId,
      @RequestParam(required = false) Long before, @RequestParam(required = false) Long after,
      @RequestParam(required = false) Integer limit) {
    return history.history(caller, conversationId, before, after, limit);
  }
}
