package dev.chatsync.message.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.message.timeline.InMemoryMessageStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import org.springframework.web.ErrorResponseException;

class ConversationListServiceTest {

  private final Caller alice = new Caller("alice", "phone");
  private final InMemoryConversationStore store = new InMemoryConversationStore();
  private final ConversationListService list = new ConversationListService(store, new InMemoryMessageStore(), new ReadFanoutProperties(1000));

  @Test
  void pagesMostRecentlyActiveFirstWithoutRepeatsOrGaps() {
    for (int i = 1; i <= 5; i++) {
      store.create(new Conversation("c" + i, ConversationType.GROUP, "t" + i, "alice", Instant.ofEpochSecond(i % 3 * 100 + i),
          List.of("alice", "bob"))).block();
    }
    List<String> seen = new ArrayList<>();
    String token = null;
    do {
      var page = list.list(alice, 2, token).block();
      assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
      page.items().forEach(item -> seen.add(item.conversationId()));
      token = page.nextPageToken();
    } while (token != null);

    // Activity: c2 at 202, c5 at 205, c1 at 101, c4 at 104, c3 at 3.
    assertThat(seen).containsExactly("c5", "c2", "c4", "c1", "c3");
  }

  /**
   * A user in more conversations than fit one sort still sees the most recent first: all rows are
   * streamed and only the best of each page is kept (P7 bounds the memory, not the rows read).
   */
  @Test
  void theMostRecentComeFirstHoweverManyConversationsAUserHas() {
    int count = 25_000;
    // The store streams the rows in its own order: here, the most recent last.
    ConversationStore many = new InMemoryConversationStore() {
      @Override
      public Flux<UserConversation> ofUser(String userId) {
        return Flux.range(0, count)
            .map(i -> new UserConversation("c" + i, 0, 0, Instant.ofEpochSecond(1_000_000 + i), 0, 0));
      }
    };
    ConversationListService bigList = new ConversationListService(many, new InMemoryMessageStore(), new ReadFanoutProperties(1000));

    var first = bigList.list(alice, 3, null).block();
    var second = bigList.list(alice, 3, first.nextPageToken()).block();

    assertThat(first.items()).extracting(ConversationListService.Item::conversationId).containsExactly("c24999", "c24998", "c24997");
    assertThat(second.items()).extracting(ConversationListService.Item::conversationId).containsExactly("c24996", "c24995", "c24994");
    List<String> all = new ArrayList<>();
    String token = null;
    do {
      var page = bigList.list(alice, 100, token).block();
      page.items().forEach(item -> all.add(item.conversationId()));
      token = page.nextPageToken();
    } while (token != null);
    assertThat(all).hasSize(count).doesNotHaveDuplicates().startsWith("c24999").endsWith("c0");
  }

  @Test
  void unreadCountsNeverCountOwnMessages() {
    var afterOwn = new UserConversation("c", 0, 10, Instant.EPOCH, 4, 8);
    assertThat(afterOwn.effectiveReadSeq()).isEqualTo(8);
    assertThat(afterOwn.unreadCount()).isEqualTo(2);
    var readFurther = new UserConversation("c", 0, 10, Instant.EPOCH, 9, 8);
    assertThat(readFurther.unreadCount()).isEqualTo(1);
    var joinedLate = new UserConversation("c", 6, 10, Instant.EPOCH, 0, 0);
    assertThat(joinedLate.unreadCount()).isEqualTo(4);
  }

  @Test
  void refusesBadLimitsAndForeignTokens() {
    assertStatus(() -> list.list(alice, 0, null).block(), "limit");
    assertStatus(() -> list.list(alice, 101, null).block(), "limit");
    assertStatus(() -> list.list(alice, 10, "not-a-token!").block(), "pageToken");
    assertStatus(() -> list.list(alice, 10, "djE6eDpj").block(), "pageToken");
  }

  private static void assertStatus(Runnable call, String field) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(ErrorResponseException.class, e -> {
      assertThat(e.getStatusCode().value()).isEqualTo(400);
      assertThat(e.getBody().getProperties()).containsEntry("field", field);
    });
  }
}
