package dev.chatsync.message.member;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.message.TestProperties;
import dev.chatsync.message.timeline.InMemoryMessageStore;
import dev.chatsync.message.timeline.MessageDraft;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Which earlier spans a member added again keeps (replay window 7 days). */
class EarlierSpansTest {

  private static final Instant OLD = Instant.now().minus(Duration.ofDays(8));
  private static final Instant RECENT = Instant.now().minus(Duration.ofDays(1));

  private final InMemoryMessageStore messages = new InMemoryMessageStore();
  private long fanned;
  private final EarlierSpans spans = new EarlierSpans(messages, conversationId -> Mono.just(fanned),
      TestProperties.messages(16384, 100, Duration.ofSeconds(15)));

  /** Messages 1-6 sent eight days ago, 7-10 yesterday. */
  EarlierSpansTest() {
    messages.createConversation("c1");
    for (int seq = 1; seq <= 10; seq++) {
      messages.append(new MessageDraft("c1", "m" + seq, "c" + seq, "alice", "text", "x", seq <= 6 ? OLD : RECENT), seq - 1,
          Instant.MAX).block();
    }
  }

  @Test
  void keepsEverySpanStageOneHasNotExpandedPast() {
    fanned = 0;
    assertThat(spans.kept("c1", Map.of(0L, 2L, 3L, 5L, 7L, 9L)).block())
        .containsExactlyInAnyOrderEntriesOf(Map.of(0L, 2L, 3L, 5L, 7L, 9L));
  }

  @Test
  void dropsTheExpandedSpansWhoseLeavingMessageIsOlderThanTheWindowAndKeepsTheRecentOnes() {
    fanned = 10;
    assertThat(spans.kept("c1", Map.of(0L, 2L, 3L, 5L, 7L, 9L)).block()).containsExactlyInAnyOrderEntriesOf(Map.of(7L, 9L));
  }

  @Test
  void anOldSpanStageOneHasNotExpandedYetIsKeptAndSoAreTheNewerOnes() {
    fanned = 4;
    assertThat(spans.kept("c1", Map.of(0L, 2L, 3L, 5L, 7L, 9L)).block())
        .containsExactlyInAnyOrderEntriesOf(Map.of(3L, 5L, 7L, 9L));
  }

  @Test
  void anEmptySpanDeliversNothingAndIsDropped() {
    fanned = 0;
    assertThat(spans.kept("c1", Map.of(4L, 4L, 7L, 9L)).block()).containsExactlyInAnyOrderEntriesOf(Map.of(7L, 9L));
  }
}
