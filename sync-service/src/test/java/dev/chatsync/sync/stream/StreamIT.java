package dev.chatsync.sync.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.Signal;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.contracts.identity.GatewayIdentity;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

/**
 * The stream on the real node and broker, with heartbeats far apart: whatever arrives promptly
 * was pushed by a notification.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "chat.stream.heartbeat=60s")
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class StreamIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;
  @Autowired KafkaTemplate<String, byte[]> kafka;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String bob = "bob-" + suffix;

  @Test
  void replaysTheBacklogThenPushesWhatANotificationAnnounces() {
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);
    fixture.deliver(bob, 1);
    fixture.deliver(bob, 2);

    StepVerifier.create(fixture.open(bob, null))
        .assertNext(event -> assertThat(event.id()).isEqualTo("1"))
        .assertNext(event -> {
          assertThat(event.id()).isEqualTo("2");
          assertThat(event.event()).isEqualTo("message");
          assertThat(event.data()).contains("\"body\":\"body 2\"");
        })
        .then(() -> {
          fixture.deliver(bob, 3);
          new TopicProducer<>(Topics.INBOX_NOTIFIED, kafka).send(new InboxNotify(bob, 3)).join();
        })
        .assertNext(event -> assertThat(event.id()).isEqualTo("3"))
        .thenCancel()
        .verify(Duration.ofSeconds(30));
  }

  /**
   * A notification that cannot be read goes to its dead-letter topic and the partition goes on:
   * the valid one behind it (same key, same partition) still wakes the stream at once.
   */
  @Test
  void aPoisonNotificationDoesNotStopTheNotificationsBehindIt(@Autowired MeterRegistry meters) {
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);
    fixture.deliver(bob, 1);

    StepVerifier.create(fixture.open(bob, null))
        .assertNext(event -> assertThat(event.id()).isEqualTo("1"))
        .then(() -> {
          fixture.deliver(bob, 2);
          kafka.send(Topics.INBOX_NOTIFY, bob, "{not json".getBytes(StandardCharsets.UTF_8)).join();
          kafka.send(Topics.INBOX_NOTIFY, bob, ("{\"userId\":\"" + bob + "\",\"headSeq\":-1}").getBytes(StandardCharsets.UTF_8)).join();
          new TopicProducer<>(Topics.INBOX_NOTIFIED, kafka).send(new InboxNotify(bob, 2)).join();
        })
        .assertNext(event -> assertThat(event.id()).isEqualTo("2"))
        .thenCancel()
        .verify(Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(15)).until(() -> meters.find("chat.kafka.dead.letters")
        .tag("topic", Topics.INBOX_NOTIFY).counters().stream().mapToDouble(counter -> counter.count()).sum() >= 2);
  }

  /**
   * Signals are events without an id, pushed beside the entries and never stored: a typing signal
   * repeated within its interval is dropped, and the entry after them keeps its id (P4: the
   * device's Last-Event-ID names inbox entries only).
   */
  @Test
  void signalsArePushedWithoutAnIdAndTypingAtMostOnceAnInterval() {
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);
    fixture.deliver(bob, 1);
    String alice = "alice-" + suffix;
    TopicProducer<InboxNotify> notify = new TopicProducer<>(Topics.INBOX_NOTIFIED, kafka);
    long now = System.currentTimeMillis();

    StepVerifier.create(fixture.open(bob, null))
        .assertNext(event -> assertThat(event.id()).isEqualTo("1"))
        .then(() -> {
          notify.send(InboxNotify.signal(bob, Signal.typing("conv-" + suffix, alice, now + 6_000, now))).join();
          notify.send(InboxNotify.signal(bob, Signal.typing("conv-" + suffix, alice, now + 7_000, now + 1_000))).join();
          notify.send(InboxNotify.signal(bob, Signal.presence(alice, true, now))).join();
          fixture.deliver(bob, 2);
          notify.send(new InboxNotify(bob, 2)).join();
        })
        .assertNext(event -> {
          assertThat(event.event()).isEqualTo("typing");
          assertThat(event.id()).isNull();
          assertThat(event.data()).contains("\"userId\":\"" + alice + "\"").contains("\"until\":\"");
        })
        .assertNext(event -> {
          assertThat(event.event()).isEqualTo("presence");
          assertThat(event.id()).isNull();
          assertThat(event.data()).contains("\"online\":true");
        })
        .assertNext(event -> assertThat(event.id()).isEqualTo("2"))
        .thenCancel()
        .verify(Duration.ofSeconds(30));
  }

  @Test
  void aReconnectGoesOnAfterTheLastEventItSaw() {
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);
    for (long seq = 1; seq <= 4; seq++) {
      fixture.deliver(bob, seq);
    }

    StepVerifier.create(fixture.open(bob, "2"))
        .assertNext(event -> assertThat(event.id()).isEqualTo("3"))
        .assertNext(event -> assertThat(event.id()).isEqualTo("4"))
        .thenCancel()
        .verify(Duration.ofSeconds(30));
  }

  @Test
  void aStreamOpenedWithoutACursorStartsAfterWhatTheDeviceAcknowledged() {
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);
    for (long seq = 1; seq <= 3; seq++) {
      fixture.deliver(bob, seq);
    }
    cql.execute("UPDATE device_cursors SET acked_seq = 2 WHERE user_id = ? AND device_id = 'phone'", bob);

    StepVerifier.create(fixture.open(bob, null))
        .assertNext(event -> assertThat(event.id()).isEqualTo("3"))
        .thenCancel()
        .verify(Duration.ofSeconds(30));
  }

  @Test
  void aDeviceBehindExpiredEntriesIsToldAndTheStreamEnds() {
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);
    fixture.deliver(bob, 5);
    // Entries 1-4 expired: stage 2 noted head 4 when it first wrote within the last TTL.
    cql.execute("UPDATE inbox_state SET entry_ttl = 60, horizon = ? WHERE user_id = ?",
        java.util.Map.of(System.currentTimeMillis() - 1_000, 4L), bob);

    StepVerifier.create(fixture.open(bob, "1"))
        .assertNext(event -> {
          assertThat(event.event()).isEqualTo("cursor-expired");
          assertThat(event.data()).contains("\"headSeq\":5");
        })
        .expectComplete()
        .verify(Duration.ofSeconds(30));
  }
}
