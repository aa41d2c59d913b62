package dev.chatsync.message.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.message.TestProperties;
import dev.chatsync.message.timeline.InMemoryMessageStore;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

class ConversationServiceTest {

  private final Caller alice = new Caller("alice", "phone");
  private final InMemoryConversationStore store = new InMemoryConversationStore();
  private final InMemoryMessageStore messages = new InMemoryMessageStore();
  private final ConversationService service = new ConversationService(store, messages,
      TestProperties.messages(16384, 5, Duration.ofSeconds(15)));

  @Test
  void aGroupHasTheCallerAndTheNamedMembersOnceEach() {
    var created = service.create(alice, new CreateConversationRequest("group", " Team ", List.of("bob", "carol", "bob", "alice")))
        .block();

    assertThat(created.created()).isTrue();
    assertThat(created.conversation().members()).containsExactly("alice", "bob", "carol");
    assertThat(created.conversation().title()).isEqualTo("Team");
    assertThat(created.headSeq()).isZero();
  }

  @Test
  void aDirectConversationBetweenTwoUsersIsOneConversation() {
    var first = service.create(alice, new CreateConversationRequest("direct", null, List.of("bob"))).block();
    var again = service.create(new Caller("bob", "tablet"), new CreateConversationRequest("direct", null, List.of("alice")))
        .block();

    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.conversation().conversationId()).isEqualTo(first.conversation().conversationId());
  }

  @Test
  void refusesBadInputNamingTheField() {
    assertInvalid(new CreateConversationRequest("channel", null, List.of("bob")), "type");
    assertInvalid(new CreateConversationRequest("group", null, List.of()), "members");
    assertInvalid(new CreateConversationRequest("group", null, List.of("alice")), "members");
    assertInvalid(new CreateConversationRequest("group", null, null), "members");
    assertInvalid(new CreateConversationRequest("group", null, List.of("bob", "c a r o l")), "members[1]");
    assertInvalid(new CreateConversationRequest("direct", null, List.of("bob", "carol")), "members");
    assertInvalid(new CreateConversationRequest("direct", null, List.of("alice")), "members");
    assertInvalid(new CreateConversationRequest("group", "x".repeat(201), List.of("bob")), "title");
    assertInvalid(new CreateConversationRequest("group", null,
        IntStream.range(0, 5).mapToObj(i -> "user" + i).toList()), "members");
    assertInvalid(null, "body");
  }

  @Test
  void onlyMembersSeeAConversation() {
    var created = service.create(alice, new CreateConversationRequest("group", "t", List.of("bob"))).block();
    String id = created.conversation().conversationId();
    messages.createConversation(id);

    assertThat(service.get(new Caller("bob", "d"), id).block().conversationId()).isEqualTo(id);
    assertStatus(() -> service.get(new Caller("mallory", "d"), id).block(), 403);
    assertStatus(() -> service.get(alice, "no-such-conversation").block(), 404);
    assertStatus(() -> service.get(alice, "../etc").block(), 400);
  }

  private void assertInvalid(CreateConversationRequest request, String field) {
    assertThatThrownBy(() -> service.create(alice, request).block())
        .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
          assertThat(e.getStatusCode().value()).isEqualTo(400);
          assertThat(e.getBody().getProperties()).containsEntry("field", field);
        });
  }

  private static void assertStatus(Runnable call, int status) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(ErrorResponseException.class,
        e -> assertThat(e.getStatusCode().value()).isEqualTo(status));
  }
}
