package dev.chatsync.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chatsync.contracts.Topic;
import dev.chatsync.contracts.WireRecord;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The calls the message-service integration tests make, as the gateway would relay them. */
public final class ApiCalls {

  /**
   * How long a call may take before the test fails. WebTestClient's default, 5 s, is shorter than
   * the first request of a fresh JVM takes on a loaded machine (class loading, JIT, the first
   * Cassandra and Kafka round trips): the first IT to run then failed with "Timeout on blocking
   * read for 5000000000 NANOSECONDS" in its first call, while the code under test was fine.
   */
  static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

  private final WebTestClient web;
  private final GatewayIdentity identity;
  private final String bootstrapServers;

  public ApiCalls(WebTestClient web, GatewayIdentity identity, String bootstrapServers) {
    this.web = web.mutate().responseTimeout(RESPONSE_TIMEOUT).build();
    this.identity = identity;
    this.bootstrapServers = bootstrapServers;
  }

  public static String user(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A client without the gateway's identity. */
  public WebTestClient anonymous() {
    return web;
  }

  public WebTestClient as(String userId) {
    return web.mutate().filter(identity.signing(new Caller(userId, "test-device"), "message-service")).build();
  }

  public String createGroup(String creator, List<String> members) {
    return as(creator).post().uri("/api/v1/conversations").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("type", "group", "title", "Team", "members", members)).exchange()
        .expectStatus().isCreated()
        .expectBody(Map.class).returnResult().getResponseBody().get("conversationId").toString();
  }

  /** Sends a text message and returns its seq. */
  public long send(String sender, String conversationId, String body) {
    Map<String, String> request = Map.of("clientMsgId", UUID.randomUUID().toString(), "type", "text", "body", body);
    // Every cached application context of the test JVM is an instance sharing the send slots, so a
    // context starting or stopping hands slots over, and a send caught in a handover is refused with
    // 503. A client retries that with the same clientMsgId (P5); so does this, and any other answer
    // is the test's to judge.
    EntityExchangeResult<Map> sent = await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> as(sender).post().uri("/api/v1/conversations/{id}/messages", conversationId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(request).exchange()
                .expectBody(Map.class).returnResult(),
            result -> result.getStatus().value() != 503);
    assertThat(sent.getStatus().value()).as("send answered %s", sent.getResponseBody()).isEqualTo(201);
    return ((Number) sent.getResponseBody().get("seq")).longValue();
  }

  public WebTestClient.ResponseSpec addMembers(String caller, String conversationId, String... userIds) {
    return as(caller).post().uri("/api/v1/conversations/{id}/members", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("userIds", List.of(userIds))).exchange();
  }

  public WebTestClient.ResponseSpec removeMember(String caller, String conversationId, String userId) {
    return as(caller).delete().uri("/api/v1/conversations/{id}/members/{user}", conversationId, userId).exchange();
  }

  public WebTestClient.ResponseSpec read(String userId, String conversationId, long upTo) {
    return as(userId).post().uri("/api/v1/conversations/{id}/read", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("upTo", upTo)).exchange();
  }

  /** Edits the message; {@code ifMatch} may be null. */
  public WebTestClient.ResponseSpec edit(String caller, String conversationId, long seq, String body, String ifMatch) {
    return as(caller).patch().uri("/api/v1/conversations/{id}/messages/{seq}", conversationId, seq)
        .headers(headers -> {
          if (ifMatch != null) {
            headers.setIfMatch(ifMatch);
          }
        })
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("body", body)).exchange();
  }

  public WebTestClient.ResponseSpec recall(String caller, String conversationId, long seq) {
    return as(caller).delete().uri("/api/v1/conversations/{id}/messages/{seq}", conversationId, seq).exchange();
  }

  /** The caller's newest history page. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> history(String caller, String conversationId) {
    Map<String, Object> page = as(caller).get().uri("/api/v1/conversations/{id}/messages", conversationId).exchange()
        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    return (List<Map<String, Object>>) page.get("items");
  }

  /** The records with the key on the topic, from its start, once {@code done} holds for them. */
  public <T extends WireRecord> List<T> awaitRecords(Topic<T> topic, String key, Predicate<List<T>> done) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "message-it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<T> found = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic.name()));
      // Long enough for a sweeper to finish a change whose request died (its grace, then a sweep).
      await().atMost(Duration.ofSeconds(90)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
          if (key.equals(record.key())) {
            found.add(topic.decode(record.value()));
          }
        });
        return done.test(found);
      });
    }
    return found;
  }
}
