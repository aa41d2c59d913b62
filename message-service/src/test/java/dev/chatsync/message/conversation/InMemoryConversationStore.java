package dev.chatsync.message.conversation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@link ConversationStore} contract in memory, for unit tests of the rules above it. */
public class InMemoryConversationStore implements ConversationStore {

  final Map<String, Conversation> conversations = new ConcurrentHashMap<>();
  final Map<String, String> directPairs = new ConcurrentHashMap<>();

  @Override
  public Mono<Void> create(Conversation conversation) {
    conversations.putIfAbsent(conversation.conversationId(), conversation);
    return Mono.empty();
  }

  @Override
  public Mono<String> claimDirect(String pairKey, String candidateId) {
    return Mono.just(directPairs.computeIfAbsent(pairKey, key -> candidateId));
  }

  @Override
  public Mono<Optional<Conversation>> find(String conversationId) {
    return Mono.just(Optional.ofNullable(conversations.get(conversationId)));
  }

  @Override
  public Mono<Optional<ConversationSummary>> summary(String conversationId) {
    return find(conversationId).map(found -> found.map(c -> new ConversationSummary(c.conversationId(), c.type(), c.title(), c.creatorId())));
  }

  @Override
  public Flux<UserConversation> ofUser(String userId) {
    return Flux.fromIterable(conversations.values())
        .filter(c -> c.members().contains(userId))
        .map(c -> new UserConversation(c.conversationId(), 0, 0, c.createdAt(), 0, 0));
  }

  /** Pages in user id order; the token is the last user id of the page before. */
  @Override
  public Mono<MemberPage> members(String conversationId, int limit, String pageToken) {
    List<String> sorted = Optional.ofNullable(conversations.get(conversationId)).map(Conversation::members).orElse(List.of())
        .stream().sorted().filter(user -> pageToken == null || user.compareTo(pageToken) > 0).toList();
    List<Member> page = sorted.stream().limit(limit).map(user -> new Member(conversationId, user, 0)).toList();
    return Mono.just(new MemberPage(page, sorted.size() > limit ? page.get(page.size() - 1).userId() : null));
  }

  @Override
  public Mono<OptionalInt> memberCount(String conversationId) {
    return Mono.just(Optional.ofNullable(conversations.get(conversationId))
        .map(c -> OptionalInt.of(c.members().size())).orElse(OptionalInt.empty()));
  }

  @Override
  public Mono<Optional<MembershipSpan>> span(String conversationId, String userId) {
    return member(conversationId, userId).map(found -> found.map(member -> new MembershipSpan(member.joinedSeq(), null)));
  }

  @Override
  public Mono<Optional<Member>> member(String conversationId, String userId) {
    return find(conversationId).map(found -> found.filter(c -> c.members().contains(userId))
        .map(c -> new Member(conversationId, userId, 0)));
  }
}
