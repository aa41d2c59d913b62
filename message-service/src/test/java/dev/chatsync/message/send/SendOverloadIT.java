package dev.chatsync.message.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Overload, injected on the real broker: a member of the inbox stage's consumer group that holds
 * its partitions and finishes nothing while records keep arriving, as a fanout past its capacity
 * does. Sends are then refused with 503 overloaded, store nothing, and are taken again (the same
 * clientMsgId as a first send) once the stage has caught up.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "chat.messages.fanout-delay-target=200ms")
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class SendOverloadIT {

  private static final String STAGE = "fanout-inbox";

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired MeterRegistry meters;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  private final String alice = ApiCalls.user("alice");
  private final String bob = ApiCalls.user("bob");

  @Test
  void sendsAreRefusedWhileTheFanoutFallsBehindAndTakenAgainOnceItCatchesUp() {
    ApiCalls api = new ApiCalls(web, identity, bootstrapServers);
    String conversationId = api.createGroup(alice, List.of(bob));

    try (var stalled = stalledStage(); var producer = producer()) {
      List<TopicPartition> partitions = stalled.partitionsFor(Topics.INBOX_APPENDS).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      // The delay is read from a sample taken after the stage's mark: records produced before the
      // first sample the reader took would count as a replay's, of unknown age (no delay).
      double marked = System.currentTimeMillis() / 1e3;
      await().atMost(Duration.ofSeconds(30)).until(() -> meters.get("chat.fanout.delay.sampled").gauge().value() > marked);
      try {
        // Records arrive on every partition, and nobody finishes them.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
          partitions.forEach(partition -> producer.send(new ProducerRecord<>(partition.topic(), partition.partition(),
              "overload-it", "not for any fanout".getBytes(StandardCharsets.UTF_8))));
          producer.flush();
          return fanoutDelaySeconds() >= 0.4;
        });

        send(conversationId, "while-behind").expectStatus().isEqualTo(503)
            .expectHeader().valueEquals("Retry-After", "1")
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.type").value(String.class, type -> assertThat(type).endsWith("/overloaded"));
        assertThat(api.as(bob).get().uri("/api/v1/conversations/{id}", conversationId).exchange()
            .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("headSeq"))
            .as("a refused send stores nothing").isEqualTo(0);
        assertThat(meters.get("chat.sends.shed").tag("reason", "fanout-delay").counter().count()).isPositive();
      } finally {
        // The stage catches up: everything it holds is finished.
        stalled.commitSync(stalled.endOffsets(partitions).entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, end -> new OffsetAndMetadata(end.getValue()))));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> fanoutDelaySeconds() == 0);
    }

    send(conversationId, "while-behind").expectStatus().isCreated()
        .expectBody().jsonPath("$.seq").isEqualTo(1);
  }

  private WebTestClient.ResponseSpec send(String conversationId, String clientMsgId) {
    return new ApiCalls(web, identity, bootstrapServers).as(alice).post()
        .uri("/api/v1/conversations/{id}/messages", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", clientMsgId, "type", "text", "body", "hello")).exchange();
  }

  private double fanoutDelaySeconds() {
    return meters.get("chat.fanout.delay").gauge().value();
  }

  /** A member of the stage's group that takes every partition, marks where they end, and then finishes nothing. */
  private KafkaConsumer<String, byte[]> stalledStage() {
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, STAGE,
        ConsumerConfig.CLIENT_ID_CONFIG, "overload-it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topics.INBOX_APPENDS));
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      consumer.poll(Duration.ofMillis(100));
      return !consumer.assignment().isEmpty();
    });
    consumer.commitSync(consumer.endOffsets(consumer.assignment()).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, end -> new OffsetAndMetadata(end.getValue()))));
    return consumer;
  }

  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
  }
}
