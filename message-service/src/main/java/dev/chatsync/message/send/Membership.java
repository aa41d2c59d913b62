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
        : notAMember(conversationId));
  }

  /**
   * The span of the conversation the caller may read: a member's from the seq they joined at; a
   * former member's up to the seq they were removed at, and nothing after it (P6). A group
   * delivered by read fanout tells its members of messages they then read from the history, and a
   * member removed before reading them still gets what was sent while they were one (P1), as write
   * fanout's entries would have given them.
   */
  public Mono<ConversationStore.MembershipSpan> requireReader(String conversationId, String userId) {
    if (!Ids.isValid(conversationId)) {
      return Mono.error(Problems.invalid("conversationId", "is not a conversation id"));
    }
    return conversations.span(conversationId, userId).flatMap(span -> span.isPresent()
        ? Mono.just(span.get())
        : notAMember(conversationId));
  }

  /** 404 for an unknown conversation, else 403; from the conversation's row alone, never its member list. */
  private <T> Mono<T> notAMember(String conversationId) {
    return conversations.summary(conversationId).flatMap(found -> Mono.error(found.isPresent()
        ? Problems.forbidden("You are not a member of conversation " + conversationId + ".")
        : Problems.notFound("No conversation " + conversationId + ".")));
  }
}
