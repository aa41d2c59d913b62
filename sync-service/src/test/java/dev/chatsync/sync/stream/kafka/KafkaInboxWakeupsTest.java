package dev.chatsync.sync.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.DeadLetters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class KafkaInboxWakeupsTest {

  /** Valid notifications never reach the dead-letter producer. */
  private final KafkaInboxWakeups wakeups = new KafkaInboxWakeups(new DeadLetters(null, new SimpleMeterRegistry()));
  private final TopicPartition partition = new TopicPartition(Topics.INBOX_NOTIFY, 0);

  @Test
  void notReadyForStreamsUntilItsPartitionsAreAssignedAndAgainWhenTheyAreRevoked() {
    assertThat(wakeups.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

    wakeups.onPartitionsAssigned(Map.of(partition, 42L), null);
    assertThat(wakeups.health().getStatus()).isEqualTo(Status.UP);

    wakeups.onPartitionsRevoked(List.of(partition));
    assertThat(wakeups.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
  }

  @Test
  void aStreamThatEndsDoesNotTakeTheWakeupsOfAnotherStreamOfTheUser() {
    Disposable first = wakeups.of("bob").subscribe();
    // The second stream is opened (its wakeups asked for) before the first ends, and subscribes after.
    Flux<Long> second = wakeups.of("bob");
    first.dispose();

    StepVerifier.create(second)
        .then(() -> wakeups.notified(notification(new InboxNotify("bob", 7))))
        .expectNext(7L)
        .thenCancel()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void theUsersWakeupsGoWhenTheirLastStreamEnds() {
    Disposable first = wakeups.of("carol").subscribe();
    Disposable second = wakeups.of("carol").subscribe();
    first.dispose();
    wakeups.onPartitionsAssigned(Map.of(partition, 0L), null);
    assertThat(wakeups.health().getDetails()).containsEntry("streams", 1);

    second.dispose();
    assertThat(wakeups.health().getDetails()).containsEntry("streams", 0);
  }

  private static ConsumerRecord<String, byte[]> notification(InboxNotify note) {
    return new ConsumerRecord<>(Topics.INBOX_NOTIFY, 0, 0, note.userId(), Topics.INBOX_NOTIFIED.encode(note));
  }
}
