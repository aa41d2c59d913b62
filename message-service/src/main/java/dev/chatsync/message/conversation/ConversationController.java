package dev.chatsync.message.conversation;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.openapi.ErrorResponses;
import io.swagger.v3.oas.annotations.Operation;
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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Conversations", description = "Direct conversations and groups")
@RequestMapping("/api/v1/conversations")
class ConversationController {

  private final ConversationService conversations;
  private final ConversationListService list;

  ConversationController(ConversationService conversations, ConversationListService list) {
    this.conversations = conversations;
    this.list = list;
  }

  @GetMapping
  @Operation(summary = "List the caller's conversations", description = "Most recently active first, with unread counts "
      + "(never counting the caller's own messages) and the last message.")
  @ErrorResponses(400)
  Mono<ConversationListService.Page> list(Caller caller, @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String pageToken) {
    return list.list(caller, limit, pageToken);
  }

  @PostMapping
  @Operation(summary = "Create a conversation", description = "A direct conversation of two users is one conversation: "
      + "creating it again answers 200 with it. The caller is a member.")
  @ApiResponse(responseCode = "201", description = "created", content = @Content(schema = @Schema(implementation = ConversationView.class)))
  @ApiResponse(responseCode = "200", description = "the direct conversation of these two users, which exists",
      content = @Content(schema = @Schema(implementation = ConversationView.class)))
  @ErrorResponses({400, 409})
  Mono<ResponseEntity<ConversationView>> create(Caller caller, @RequestBody(required = false) CreateConversationRequest request) {
    return conversations.create(caller, request)
        .map(result -> ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
            .body(ConversationView.of(result.conversation(), result.headSeq())));
  }

  @GetMapping("/{conversationId}")
  @Operation(summary = "Get a conversation", description = "The conversation and its members (members only).")
  @ErrorResponses({400, 403, 404})
  Mono<ConversationView> get(Caller caller, @PathVariable String conversationId) {
    return conversations.get(caller, conversationId);
  }
}
