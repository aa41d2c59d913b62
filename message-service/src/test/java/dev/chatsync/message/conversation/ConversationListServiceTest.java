package dev.chatsync.message.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.message.timeline.InMemoryMessageStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

class ConversationListServiceTest {

  private final Caller alice = new Caller("alice", "phone");
  private final InMemoryConversationStore store = new InMemoryConversationStore();
  private final ConversationListService list = new ConversationListService(store, new InMemoryMessageStore());

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
