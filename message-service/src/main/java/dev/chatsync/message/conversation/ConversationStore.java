package dev.chatsync.message.conversation;

import java.util.Optional;
import java.util.OptionalInt;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Where conversations and their members live. */
public interface ConversationStore {

  /**
   * Stores a new conversation and its members. Idempotent: storing the same conversation again
   * changes nothing. Members are written before the conversation row, so a conversation that can
   * be found always has its members.
   */
  Mono<Void> create(Conversation conversation);

  /**
   * Claims {@code pairKey} for the direct conversation {@code candidateId}, atomically: returns the
   * id that owns the pair, which is {@code candidateId} only if nobody claimed the pair before.
   */
  Mono<String> claimDirect(String pairKey, String candidateId);

  Mono<Optional<Conversation>> find(String conversationId);

  /** The conversation's type and title, without its members. */
  Mono<Optional<ConversationSummary>> summary(String conversationId);

  /** Every conversation of the user with its delivery state, in no particular order, streamed page by page. */
  Flux<UserConversation> ofUser(String userId);

  /**
   * A page of the current members, in user id order, and the token of the next page (null at the
   * end). A page may hold fewer than {@code limit} members (removed members' rows are skipped).
   *
   * @param pageToken a token a previous page gave, or null for the first page
   * @throws IllegalArgumentException (in the Mono) for a token this store did not give out
   */
  Mono<MemberPage> members(String conversationId, int limit, String pageToken);

  /** The member count message-service keeps with every membership change; empty if never kept (V004). */
  Mono<OptionalInt> memberCount(String conversationId);

  /**
   * The user's current or last membership span: {@code leftSeq} is null for a current member, the
   * seq they were removed at for a former one; empty if they never were a member.
   */
  Mono<Optional<MembershipSpan>> span(String conversationId, String userId);

  /** A member's span of the conversation: they see the messages after joinedSeq and, once removed, up to leftSeq. */
  record MembershipSpan(long joinedSeq, Long leftSeq) {}

  /** The membership of {@code userId} in the conversation, empty if they are not a member. */
  Mono<Optional<Member>> member(String conversationId, String userId);
}
