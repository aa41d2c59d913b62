package dev.chatsync.message.send;

import dev.chatsync.contracts.Ids;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.conversation.ConversationStore;
import dev.chatsync.message.conversation.Member;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** P6: only members send and read, and only from the seq at which they joined. */
@Component
public class Membership {

  private final ConversationStore conversations;

  Membership(ConversationStore conversations) {
    this.conversations = conversations;
  }

  /** The caller's membership, or 404 for an unknown conversation and 403 for a non-member. */
  public Mono<Member> require(String conversationId, String userId) {
    if (!Ids.isValid(conversationId)) {
      return Mono.error(Problems.invalid("conversationId", "is not a conversation id"));
    }
    return conversations.member(conversationId, userId).flatMap(member -> member.isPresent()
        ? Mono.just(member.get())
        : conversations.find(conversationId).flatMap(found -> Mono.error(found.isPresent()
            ? Problems.forbidden("You are not a member of conversation " + conversationId + ".")
            : Problems.notFound("No conversation " + conversationId + "."))));
  }
}
