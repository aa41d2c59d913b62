package dev.chatsync.message.conversation;

import dev.chatsync.contracts.identity.Caller;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/conversations")
class ConversationController {

  private final ConversationService conversations;
  private final ConversationListService list;

  ConversationController(ConversationService conversations, ConversationListService list) {
    this.conversations = conversations;
    this.list = list;
  }

  @GetMapping
  Mono<ConversationListService.Page> list(Caller caller, @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String pageToken) {
    return list.list(caller, limit, pageToken);
  }

  @PostMapping
  Mono<ResponseEntity<ConversationView>> create(Caller caller, @RequestBody(required = false) CreateConversationRequest request) {
    return conversations.create(caller, request)
        .map(result -> ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
            .body(ConversationView.of(result.conversation(), result.headSeq())));
  }

  @GetMapping("/{conversationId}")
  Mono<ConversationView> get(Caller caller, @PathVariable String conversationId) {
    return conversations.get(caller, conversationId);
  }
}
