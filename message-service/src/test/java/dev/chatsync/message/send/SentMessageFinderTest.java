package dev.chatsync.message.send;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.message.timeline.InMemoryMessageStore;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageDraft;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * P5: a pending send whose lease has passed is either in the timeline or will never be. An append
 * whose conditional write was accepted but not yet committed is invisible to a plain read of the
 * head, and may be completed later by Paxos: the finder must read the head so that it is completed
 * first (LOCAL_SERIAL), or the retry takes the send over and stores the message twice.
 */
class SentMessageFinderTest {

  private static final Instant SENT = Instant.parse("2026-12-01T12:00:00Z");

  /** Message 2 is the owner's append in progress: a serial read completes it, a plain read does not see it. */
  private final InMemoryMessageStore messages = new InMemoryMessageStore() {
    @Override
    public Mono<Long> head(String conversationId) {
      return super.head(conversationId).map(head -> head - 1);
    }

    @Override
    public Mono<Long> committedHead(String conversationId) {
      return super.head(conversationId);
    }
  };

  @Test
  void findsAMessageWhoseAppendWasInProgressWhenTheLeaseEnded() {
    messages.createConversation("c1");
    messages.append(new MessageDraft("c1", "mid-0", "c-0", "bob", "text", "before", SENT), 0, SENT).block();
    messages.append(new MessageDraft("c1", "mid-owner", "c-1", "alice", "text", "mine", SENT), 1, SENT).block();

    Message found = new SentMessageFinder(messages).find("c1", "mid-owner", 1, SENT.plusSeconds(30)).block();

    assertThat(found).isNotNull();
    assertThat(found.seq()).isEqualTo(2L);
  }
}
