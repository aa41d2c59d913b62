package dev.chatsync.message.conversation;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code GET /conversations}: the caller's conversations, most recently active first, paged. */
@Service
public class ConversationListService {

  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  private static final Comparator<UserConversation> MOST_RECENT_FIRST = Comparator
      .comparing((UserConversation c) -> activeAt(c)).reversed()
      .thenComparing(UserConversation::conversationId);

  private final ConversationStore conversations;
  private final MessageStore messages;
  private final Clock clock = Clock.systemUTC();

  private final ReadFanoutProperties readFanout;

  ConversationListService(ConversationStore conversations, MessageStore messages, ReadFanoutProperties readFanout) {
    this.conversations = conversations;
    this.messages = messages;
    this.readFanout = readFanout;
  }

  /** One item of the list, as docs/api.md shows it. */
  public record Item(String conversationId, String type, String title, long headSeq, long readSeq, long unreadCount,
      Message lastMessage, boolean muted) {}

  public record Page(List<Item> items, String nextPageToken) {}

  public Mono<Page> list(Caller caller, Integer limit, String pageToken) {
    int pageSize = limit == null ? DEFAULT_LIMIT : limit;
    if (pageSize < 1 || pageSize > MAX_LIMIT) {
      return Mono.error(Problems.invalid("limit", "must be between 1 and " + MAX_LIMIT));
    }
    Optional<UserConversation> after;
    try {
      after = PageToken.decode(pageToken);
    } catch (IllegalArgumentException malformed) {
      return Mono.error(Problems.invalid("pageToken", "is not a token this service gave out"));
    }
    // Every row of the user is streamed (page by page from the store) and only the page and one
    // more are kept: memory is bounded by the page (P7), the order is right for any number of
    // conversations.
    return conversations.ofUser(caller.userId())
        .filter(c -> after.isEmpty() || MOST_RECENT_FIRST.compare(c, after.get()) > 0)
        .collect(() -> new Best(pageSize + 1), Best::offer)
        .flatMap(best -> {
          List<UserConversation> rest = best.inOrder();
          List<UserConversation> page = rest.subList(0, Math.min(pageSize, rest.size()));
          String next = rest.size() > pageSize ? PageToken.encode(page.get(page.size() - 1)) : null;
          return Flux.fromIterable(page).flatMapSequential(this::item, 8).collectList().map(items -> new Page(items, next));
        });
  }

  /** The first {@code size} conversations in list order of those offered: a heap whose top is the last of them. */
  static final class Best {

    private final int size;
    private final PriorityQueue<UserConversation> kept;

    Best(int size) {
      this.size = size;
      this.kept = new PriorityQueue<>(size + 1, MOST_RECENT_FIRST.reversed());
    }

    void offer(UserConversation c) {
      if (kept.size() < size) {
        kept.add(c);
      } else if (MOST_RECENT_FIRST.compare(c, kept.peek()) < 0) {
        kept.poll();
        kept.add(c);
      }
    }

    List<UserConversation> inOrder() {
      List<UserConversation> ordered = new ArrayList<>(kept);
      ordered.sort(MOST_RECENT_FIRST);
      return ordered;
    }
  }

  private Mono<Item> item(UserConversation listed) {
    return conversations.summary(listed.conversationId()).flatMap(summary -> {
      // A group delivered by read fanout is not in the inbox message by message: its head is read.
      boolean group = summary.isPresent() && summary.get().type() == ConversationType.GROUP;
      Mono<UserConversation> headed = !group ? Mono.just(listed) : conversations.memberCount(listed.conversationId())
          .flatMap(count -> count.orElse(0) <= readFanout.readFanoutThreshold()
              ? Mono.just(listed)
              : messages.head(listed.conversationId()).map(listed::withHead).defaultIfEmpty(listed));
      return headed.flatMap(c -> lastMessage(c).map(last -> new Item(c.conversationId(),
          summary.map(s -> s.type().wireName()).orElse(null), summary.map(ConversationSummary::title).orElse(null), c.lastSeq(),
          c.effectiveReadSeq(), c.unreadCount(), last.orElse(null), c.mute().activeAt(clock.instant()))));
    });
  }

  private Mono<Optional<Message>> lastMessage(UserConversation c) {
    return c.lastSeq() == 0
        ? Mono.just(Optional.empty())
        : messages.range(c.conversationId(), c.lastSeq() - 1, c.lastSeq() + 1, 1, false).map(found -> found.stream().findFirst());
  }

  private static Instant activeAt(UserConversation c) {
    return c.lastActiveAt() == null ? Instant.EPOCH : c.lastActiveAt();
  }

  /** Opaque to clients: the sort position of the last item of the previous page. */
  static final class PageToken {

    private PageToken() {}

    static String encode(UserConversation last) {
      String raw = "v1:" + activeAt(last).toEpochMilli() + ":" + last.conversationId();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Optional<UserConversation> decode(String token) {
      if (token == null || token.isEmpty()) {
        return Optional.empty();
      }
      String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 3);
      if (parts.length != 3 || !parts[0].equals("v1")) {
        throw new IllegalArgumentException("not a page token");
      }
      Instant at = Instant.ofEpochMilli(Long.parseLong(parts[1]));
      return Optional.of(new UserConversation(parts[2], 0, 0, at, 0, 0));
    }
  }
}
