package dev.chatsync.message.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.message.TestProperties;
import dev.chatsync.message.conversation.InMemoryConversationStore;
import dev.chatsync.message.timeline.Message;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

/** Bad sends are refused before anything is stored or published. */
class SendValidationTest {

  private final SendService sender = new SendService(new Membership(new InMemoryConversationStore()),
      (caller, key, type, body) -> Mono.error(new AssertionError("must not store")),
      event -> Mono.error(new AssertionError("must not publish")),
      TestProperties.messages(10, 100, Duration.ofSeconds(15)), SendAdmissionTest.admitsAll(), new SimpleMeterRegistry());
  private final Caller alice = new Caller("alice", "phone");

  @Test
  void refusesEachInvalidFieldByName() {
    assertInvalid(null, "body");
    assertInvalid(new SendMessageRequest(null, "text", "hi"), "clientMsgId");
    assertInvalid(new SendMessageRequest("x".repeat(65), "text", "hi"), "clientMsgId");
    assertInvalid(new SendMessageRequest("m1", "Text!", "hi"), "type");
    assertInvalid(new SendMessageRequest("m1", "text", ""), "body");
    assertInvalid(new SendMessageRequest("m1", "text", null), "body");
  }

  @Test
  void aBodyOverTheLimitIsA413NamingTheField() {
    // 10 bytes allowed here: 6 characters of 2 bytes each are 12 bytes.
    assertThatThrownBy(() -> sender.send(alice, "c1", new SendMessageRequest("m1", "text", "éééééé")).block())
        .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
          assertThat(e.getStatusCode().value()).isEqualTo(413);
          assertThat(e.getBody().getProperties()).containsEntry("field", "body");
        });
  }

  @Test
  void aNonMemberIsRefusedBeforeASeqIsAllocated() {
    assertThatThrownBy(() -> sender.send(alice, "no-such-conversation", new SendMessageRequest("m1", null, "hi")).block())
        .isInstanceOfSatisfying(ErrorResponseException.class, e -> assertThat(e.getStatusCode().value()).isEqualTo(404));
  }

  private void assertInvalid(SendMessageRequest request, String field) {
    assertThatThrownBy(() -> sender.send(alice, "c1", request).block())
        .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
          assertThat(e.getStatusCode().value()).isEqualTo(400);
          assertThat(e.getBody().getProperties()).containsEntry("field", field);
        });
  }
}
