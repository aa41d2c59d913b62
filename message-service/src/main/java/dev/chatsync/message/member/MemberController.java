package dev.chatsync.message.member;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.message.conversation.ConversationService;
import dev.chatsync.message.conversation.ConversationView;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/conversations/{conversationId}/members")
class MemberController {

  record AddMembersRequest(List<String> userIds) {}

  private final MemberService members;
  private final ConversationService conversations;

  MemberController(MemberService members, ConversationService conversations) {
    this.members = members;
    this.conversations = conversations;
  }

  /** 200 with the conversation as it is now (idempotent: adding a member again changes nothing). */
  @PostMapping
  Mono<ConversationView> add(Caller caller, @PathVariable String conversationId,
      @RequestBody(required = false) AddMembersRequest request) {
    return members.add(caller, conversationId, request == null ? null : request.userIds())
        .then(Mono.defer(() -> conversations.get(caller, conversationId)));
  }

  @DeleteMapping("/{userId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> remove(Caller caller, @PathVariable String conversationId, @PathVariable String userId) {
    return members.remove(caller, conversationId, userId);
  }
}
