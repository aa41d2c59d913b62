package dev.chatsync.message.conversation;

import dev.chatsync.contracts.identity.Caller;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/conversations")
class ConversationController {

  private final ConversationService conversations;

  ConversationController(ConversationService conversations) {
    this.conversations = conversations;
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
