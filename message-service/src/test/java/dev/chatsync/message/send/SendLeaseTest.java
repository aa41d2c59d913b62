package dev.chatsync.message.send;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.message.TestProperties;
import dev.chatsync.message.WriteMargin;
import dev.chatsync.message.conversation.Conversation;
import dev.chatsync.message.conversation.ConversationType;
import dev.chatsync.message.conversation.InMemoryConversationStore;
import dev.chatsync.message.timeline.InMemoryMessageStore;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageDraft;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * P5: after its lease a pending send may be taken over, so its owner's last append must be over by
 * then. An attempt can run for the store's request timeout (5 s here, as in application.yml) and
 * the clocks of two instances differ by up to the skew allowance (2 s by default): the owner starts
 * no attempt later than the lease end less both.
 */
class SendLeaseTest {

  private static final Duration LEASE = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SKEW = Duration.ofSeconds(2);

  private final InMemoryConversationStore conversations = new InMemoryConversationStore();
  private final AtomicReference<Instant> notAfter = new AtomicReference<>();
  private final InMemoryMessageStore messages = new InMemoryMessageStore() {
    @Override
    public synchronized Mono<Message> append(MessageDraft draft, long headSeen, Instant deadline) {
      notAfter.set(deadline);
      return super.append(draft, headSeen, deadline);
    }
  };
  private final AtomicReference<Instant> claimedAt = new AtomicReference<>();
  private final SendDedup dedup = new SendDedup() {
    @Override
    public Mono<Claim> claim(Key key, String messageId, long headAtClaim, Instant at) {
      claimedAt.set(at);
      return Mono.just(new Owned(at));
    }

    @Override
    public Mono<Void> complete(Key key, long seq, Instant sentAt) {
      return Mono.empty();
    }

    @Override
    public Mono<Boolean> takeOver(Key key, Instant expectedClaimedAt, long headAtClaim, Instant at) {
      return Mono.just(false);
    }
  };

  @Test
  void theOwnersLastAttemptStartsARequestTimeoutAndAClockSkewBeforeItsLeaseEnds() {
    conversations.create(new Conversation("c1", ConversationType.GROUP, "t", "alice", Instant.now(), List.of("alice", "bob")))
        .block();
    messages.createConversation("c1");
    SendPath consensus = new ConsensusSends(messages, dedup, (id, at) -> Mono.empty(), TestProperties.messages(16384, 100, LEASE),
        new WriteMargin(REQUEST_TIMEOUT, SKEW));
    SendService sender = new SendService(new Membership(conversations), consensus, event -> Mono.empty(),
        TestProperties.messages(16384, 100, LEASE), SendAdmissionTest.admitsAll(), new SimpleMeterRegistry());

    sender.send(new Caller("alice", "phone"), "c1", new SendMessageRequest("m1", null, "hi")).block();

    Instant leaseEnd = claimedAt.get().plus(LEASE);
    assertThat(notAfter.get()).isBeforeOrEqualTo(leaseEnd.minus(REQUEST_TIMEOUT).minus(SKEW));
  }
}
