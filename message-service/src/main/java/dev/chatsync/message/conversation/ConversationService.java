package dev.chatsync.message.conversation;

import dev.chatsync.contracts.Ids;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.timeline.MessageStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** The rules of creating and reading conversations. */
@Service
public class ConversationService {

  static final int MAX_TITLE_LENGTH = 200;
  /** The most members a conversation's details list (P7); the member pages give the rest. */
  public static final int MEMBERS_SHOWN = 1_000;
  /** The most members a group is created with: larger groups grow by adding members, a page at a time. */
  static final int MAX_CREATED_WITH = 1_000;
  public static final int DEFAULT_MEMBER_PAGE = 100;
  public static final int MAX_MEMBER_PAGE = 1_000;

  private final ConversationStore store;
  private final MessageStore messages;
  private final MessageProperties properties;
  private final Clock clock;

  ConversationService(ConversationStore store, MessageStore messages, MessageProperties properties) {
    this.store = store;
    this.messages = messages;
    this.properties = properties;
    this.clock = Clock.systemUTC();
  }

  /** The outcome of a create: {@code created} is false when an existing direct conversation was returned. */
  public record Created(Conversation conversation, long headSeq, boolean created) {}

  public Mono<Created> create(Caller caller, CreateConversationRequest request) {
    if (request == null) {
      return Mono.error(Problems.invalid("body", "is required"));
    }
    ConversationType type = ConversationType.fromWire(request.type());
    if (type == null) {
      return Mono.error(Problems.invalid("type", "must be \"direct\" or \"group\""));
    }
    List<String> members;
    try {
      members = members(caller, request.members(), type);
    } catch (RuntimeException invalid) {
      return Mono.error(invalid);
    }
    if (type == ConversationType.DIRECT) {
      return createDirect(caller, members);
    }
    String title = request.title() == null ? "" : request.title().strip();
    if (title.length() > MAX_TITLE_LENGTH) {
      return Mono.error(Problems.invalid("title", "must be at most " + MAX_TITLE_LENGTH + " characters"));
    }
    Conversation conversation = new Conversation(UUID.randomUUID().toString(), type, title, caller.userId(),
        clock.instant(), members);
    return store.create(conversation).thenReturn(new Created(conversation, 0, true));
  }

  /** A direct conversation between two users is one conversation: creating it again returns it. */
  private Mono<Created> createDirect(Caller caller, List<String> members) {
    String pairKey = String.join("|", members.stream().sorted().toList());
    String candidateId = UUID.randomUUID().toString();
    return store.claimDirect(pairKey, candidateId).flatMap(ownerId -> store.find(ownerId).flatMap(found -> {
      if (found.isPresent()) {
        return messages.head(ownerId).defaultIfEmpty(0L).map(head -> new Created(found.get(), head, false));
      }
      // Our claim, or the claim of a creator that crashed before writing the conversation: either
      // way the rows are written now (create is idempotent), under the id that owns the pair.
      Conversation conversation = new Conversation(ownerId, ConversationType.DIRECT, null, caller.userId(),
          clock.instant(), members);
      return store.create(conversation).thenReturn(new Created(conversation, 0, ownerId.equals(candidateId)));
    }));
  }

  /** The details, with the first {@link #MEMBERS_SHOWN} members and the count of all. */
  public Mono<ConversationView> get(Caller caller, String conversationId) {
    return memberOf(caller, conversationId).flatMap(summary -> Mono.zip(
            messages.head(conversationId).defaultIfEmpty(0L),
            store.members(conversationId, MEMBERS_SHOWN, null),
            store.memberCount(conversationId))
        .map(read -> {
          List<String> shown = read.getT2().members().stream().map(Member::userId).toList();
          // A count never kept (V004) is known only when one page held every member.
          int count = read.getT3().orElse(read.getT2().nextPageToken() == null ? shown.size() : -1);
          return ConversationView.of(summary, shown, count < 0 ? shown.size() : count, read.getT1());
        }));
  }

  /** A page of the current members, for a member (docs/api.md, "Large groups"). */
  public Mono<MemberPage> members(Caller caller, String conversationId, Integer limit, String pageToken) {
    int pageSize = limit == null ? DEFAULT_MEMBER_PAGE : limit;
    if (pageSize < 1 || pageSize > MAX_MEMBER_PAGE) {
      return Mono.error(Problems.invalid("limit", "must be between 1 and " + MAX_MEMBER_PAGE));
    }
    return memberOf(caller, conversationId).then(Mono.defer(() -> store.members(conversationId, pageSize,
            pageToken == null || pageToken.isEmpty() ? null : pageToken)))
        .onErrorMap(IllegalArgumentException.class, malformed -> Problems.invalid("pageToken", "is not a token this service gave out"));
  }

  /**
   * The conversation without its members, if the caller is one of them: else 404 or 403 (P6).
   * Two small reads, whatever the group's size.
   */
  public Mono<ConversationSummary> memberOf(Caller caller, String conversationId) {
    if (!Ids.isValid(conversationId)) {
      return Mono.error(Problems.invalid("conversationId", "is not a conversation id"));
    }
    return Mono.zip(store.summary(conversationId), store.member(conversationId, caller.userId())).flatMap(found -> {
      if (found.getT1().isEmpty()) {
        return Mono.error(Problems.notFound("No conversation " + conversationId + "."));
      }
      if (found.getT2().isEmpty()) {
        return Mono.error(Problems.forbidden("You are not a member of conversation " + conversationId + "."));
      }
      return Mono.just(found.getT1().get());
    });
  }

  private List<String> members(Caller caller, List<String> requested, ConversationType type) {
    if (requested == null || requested.isEmpty()) {
      throw Problems.invalid("members", "must name at least one other user");
    }
    Set<String> members = new LinkedHashSet<>();
    members.add(caller.userId());
    for (int i = 0; i < requested.size(); i++) {
      String problem = Ids.problemWith(requested.get(i));
      if (problem != null) {
        throw Problems.invalid("members[" + i + "]", problem);
      }
      members.add(requested.get(i));
    }
    if (members.size() < 2) {
      throw Problems.invalid("members", "must name at least one other user");
    }
    if (type == ConversationType.DIRECT && members.size() != 2) {
      throw Problems.invalid("members", "of a direct conversation must be exactly one other user");
    }
    int most = Math.min(properties.maxGroupMembers(), MAX_CREATED_WITH);
    if (members.size() > most) {
      throw Problems.invalid("members", "must be at most " + most + " users (add more with POST .../members)");
    }
    return new ArrayList<>(members);
  }
}
