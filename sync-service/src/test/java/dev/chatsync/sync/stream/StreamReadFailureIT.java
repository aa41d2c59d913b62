package dev.chatsync.sync.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.sync.inbox.InboxBounds;
import dev.chatsync.sync.inbox.InboxEntry;
import dev.chatsync.sync.inbox.InboxReader;
import dev.chatsync.sync.inbox.Message;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A stream whose inbox read fails (as a store timeout does on a busy or restarting node) stays
 * open and delivers what the failed read would have, at the next wakeup: nothing lost, nothing
 * twice. The real reader on the real node stands behind a switch that makes its reads time out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "chat.stream.heartbeat=60s")
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class StreamReadFailureIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;
  @Autowired KafkaTemplate<String, byte[]> kafka;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String dave = "dave-" + suffix;

  @Test
  void aFailedReadIsRetriedAtTheNextWakeupAndTheStreamStaysOpen() {
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);
    TopicProducer<InboxNotify> notify = new TopicProducer<>(Topics.INBOX_NOTIFIED, kafka);
    fixture.deliver(dave, 1);

    StepVerifier.create(fixture.open(dave, null))
        .assertNext(event -> assertThat(event.id()).isEqualTo("1"))
        // Off the thread that delivers the events: it waits for the failed read.
        .then(() -> CompletableFuture.runAsync(() -> {
          TimingOut.reads.set(true);
          int failedBefore = TimingOut.failed.get();
          fixture.deliver(dave, 2);
          notify.send(new InboxNotify(dave, 2)).join();
          // The stream tried to read entry 2 and could not.
          await().atMost(Duration.ofSeconds(30)).until(() -> TimingOut.failed.get() > failedBefore);
          TimingOut.reads.set(false);
          fixture.deliver(dave, 3);
          notify.send(new InboxNotify(dave, 3)).join();
        }))
        .assertNext(event -> assertThat(event.id()).isEqualTo("2"))
        .assertNext(event -> assertThat(event.id()).isEqualTo("3"))
        .thenCancel()
        .verify(Duration.ofSeconds(60));
  }

  /** Wraps the real reader: while {@code reads} is set, reading entries times out. */
  @TestConfiguration
  static class TimingOut {

    static final AtomicBoolean reads = new AtomicBoolean();
    static final AtomicInteger failed = new AtomicInteger();

    @Bean
    static BeanPostProcessor timingOutReads() {
      return new BeanPostProcessor() {
        @Override
        public Object postProcessAfterInitialization(Object bean, String name) {
          return bean instanceof InboxReader real ? new Switched(real) : bean;
        }
      };
    }

    private record Switched(InboxReader real) implements InboxReader {

      @Override
      public Mono<InboxBounds> bounds(String userId) {
        return real.bounds(userId);
      }

      @Override
      public Mono<List<InboxEntry>> entriesAfter(String userId, long after, long upTo, int limit) {
        if (reads.get()) {
          failed.incrementAndGet();
          return Mono.error(new DriverTimeoutException("injected: the inbox read timed out"));
        }
        return real.entriesAfter(userId, after, upTo, limit);
      }

      @Override
      public Mono<Map<Long, Message>> messages(String conversationId, Map<Long, Integer> atLeast) {
        return real.messages(conversationId, atLeast);
      }
    }
  }
}
