package dev.chatsync.message.member;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.openapi.ErrorResponses;
import dev.chatsync.message.conversation.ConversationService;
import dev.chatsync.message.conversation.ConversationView;
import dev.chatsync.message.conversation.MemberPage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Members", description = "A group's members")
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
  @Operation(summary = "Add members", description = "At most 100 at once, by a member of the group. A new member sees the "
      + "messages after the seq at which they joined. Safe to repeat.")
  @ErrorResponses({400, 403, 404, 409})
  Mono<ConversationView> add(Caller caller, @PathVariable String conversationId,
      @RequestBody(required = false) AddMembersRequest request) {
    return members.add(caller, conversationId, request == null ? null : request.userIds())
        .then(Mono.defer(() -> conversations.get(caller, conversationId)));
  }

  @GetMapping
  @Operation(operationId = "listMembers", summary = "List members", description = "The group's current members, a page at a time in user id order, with "
      + "the seq each joined at. For members only.")
  @ErrorResponses({400, 403, 404})
  Mono<MemberList> list(Caller caller, @PathVariable String conversationId, @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String pageToken) {
    return conversations.members(caller, conversationId, limit, pageToken).map(MemberList::of);
  }

  /** A page of members as docs/api.md shows it. */
  record MemberList(List<MemberItem> items, String nextPageToken) {

    static MemberList of(MemberPage page) {
      return new MemberList(page.members().stream().map(member -> new MemberItem(member.userId(), member.joinedSeq())).toList(),
          page.nextPageToken());
    }
  }

  record MemberItem(String userId, long joinedSeq) {}

  @DeleteMapping("/{userId}")
  @Operation(summary = "Remove a member", description = "A member removes themself, the group's creator anyone; the removed "
      + "member gets nothing sent after the removal. Safe to repeat.")
  @ApiResponse(responseCode = "204", description = "removed (or was not a member)")
  @ErrorResponses({400, 403, 404, 409})
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> remove(Caller caller, @PathVariable String conversationId, @PathVariable String userId) {
    return members.remove(caller, conversationId, userId);
  }
}
