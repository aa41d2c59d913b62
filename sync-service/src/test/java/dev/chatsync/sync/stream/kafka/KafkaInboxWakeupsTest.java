package dev.chatsync.sync.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.DeadLetters;
import dev.chatsync.contracts.tracing.RecordTracing;
import dev.chatsync.sync.stream.InboxWakeups;
import dev.chatsync.sync.stream.StreamProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The wakeups of the streams an instance holds, with the notification consumer never started (it
 * would need a broker): the partition count stays unknown, so a stream stops waiting for its
 * partition after the follow timeout, here short. The real broker's side is NotifyPartitionsIT.
 */
class KafkaInboxWakeupsTest {

  private final KafkaInboxWakeups wakeups = new KafkaInboxWakeups(
      // Valid notifications never reach the dead-letter producer.
      new DeadLetters(null, new SimpleMeterRegistry()),
      new StreamProperties(Duration.ofSeconds(15), 100, Duration.ofSeconds(60), Duration.ofMillis(100)),
      new DefaultKafkaConsumerFactory<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"),
          new StringDeserializer(), new ByteArrayDeserializer()),
      new SimpleMeterRegistry(), RecordTracing.NONE);

  @Test
  void notReadyForStreamsBeforeItKnowsTheNotificationPartitions() {
    assertThat(wakeups.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
  }

  @Test
  void aStreamWhosePartitionCannotBeFollowedStillOpensAndDropsNothingAfterListening() {
    StepVerifier.create(wakeups.of("dave"))
        .expectNext(InboxWakeups.LISTENING)
        .then(() -> wakeups.notified(notification(new InboxNotify("dave", 3))))
        .expectNext(new InboxWakeups.Wakeup(3, Map.of()))
        .thenCancel()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aStreamThatEndsDoesNotTakeTheWakeupsOfAnotherStreamOfTheUser() {
    Disposable first = wakeups.of("bob").subscribe();
    // The second stream is opened (its wakeups asked for) before the first ends, and subscribes after.
    Flux<InboxWakeups.Wakeup> second = wakeups.of("bob");
    first.dispose();

    StepVerifier.create(second)
        .expectNext(InboxWakeups.LISTENING)
        .then(() -> wakeups.notified(notification(new InboxNotify("bob", 7))))
        .expectNext(new InboxWakeups.Wakeup(7, Map.of()))
        .thenCancel()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void theUsersWakeupsGoWhenTheirLastStreamEnds() {
    Disposable first = wakeups.of("carol").subscribe();
    Disposable second = wakeups.of("carol").subscribe();
    first.dispose();
    assertThat(wakeups.users()).isEqualTo(1);

    second.dispose();
    assertThat(wakeups.users()).isZero();
  }

  private static ConsumerRecord<String, byte[]> notification(InboxNotify note) {
    return new ConsumerRecord<>(Topics.INBOX_NOTIFY, 0, 0, note.userId(), Topics.INBOX_NOTIFIED.encode(note));
  }
}
