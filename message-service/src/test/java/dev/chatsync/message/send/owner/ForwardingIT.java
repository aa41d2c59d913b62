package dev.chatsync.message.send.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import dev.chatsync.message.MessageServiceApplication;
import dev.chatsync.message.send.SentMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two message-service instances on one ring: a send that reaches the instance that does not own
 * its conversation is stored by the owner, once, and answered as the owner answered.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class ForwardingIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired SlotLeases mine;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  private ConfigurableApplicationContext other;

  @AfterEach
  void stopTheOther() {
    if (other != null) {
      other.close();
    }
  }

  @Test
  void aSendToTheInstanceThatDoesNotOwnTheConversationIsStoredOnceByTheOwner() {
    other = new SpringApplicationBuilder(MessageServiceApplication.class).profiles("local").run("--server.port=0");
    SlotLeases theirs = other.getBean(SlotLeases.class);
    await().atMost(Duration.ofSeconds(30)).until(() -> IntStream.range(0, SendSlots.COUNT)
        .allMatch(slot -> mine.currentEpoch(slot) >= 0 ^ theirs.currentEpoch(slot) >= 0)
        && IntStream.range(0, SendSlots.COUNT).anyMatch(slot -> theirs.currentEpoch(slot) >= 0)
        // and this instance has read the slot table since (until then it answers 503 for them)
        && IntStream.range(0, SendSlots.COUNT).filter(slot -> theirs.currentEpoch(slot) >= 0)
            .allMatch(slot -> mine.ownerElsewhere(slot).isPresent()));
    ApiCalls here = new ApiCalls(web, identity, bootstrapServers);
    ApiCalls there = new ApiCalls(WebTestClient.bindToServer()
        .baseUrl("http://127.0.0.1:" + other.getEnvironment().getProperty("local.server.port")).build(), identity,
        bootstrapServers);
    String alice = ApiCalls.user("alice");
    String conversation = IntStream.range(0, 100).mapToObj(i -> here.createGroup(alice, List.of(ApiCalls.user("bob"))))
        .filter(id -> theirs.currentEpoch(SendSlots.slotOf(id)) >= 0)
        .findFirst().orElseThrow();

    SentMessage sent = send(here, alice, conversation).expectStatus().isCreated()
        .expectBody(SentMessage.class).returnResult().getResponseBody();
    SentMessage retried = send(there, alice, conversation).expectStatus().isOk()
        .expectBody(SentMessage.class).returnResult().getResponseBody();

    assertThat(sent.seq()).isEqualTo(1);
    assertThat(retried).isEqualTo(sent);
    // A forwarded send that finds the slot elsewhere again is not forwarded a second time.
    here.anonymous().mutate().filter(identity.signing(new Caller(alice, "phone"), "message-service")).build()
        .post().uri("/api/v1/conversations/{id}/messages", conversation)
        .header(SendForwarder.HEADER, "another-instance")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", "second", "body", "hi")).exchange()
        .expectStatus().isEqualTo(503)
        .expectHeader().valueEquals("Retry-After", "1");
  }

  private static WebTestClient.ResponseSpec send(ApiCalls via, String sender, String conversation) {
    return via.as(sender).post().uri("/api/v1/conversations/{id}/messages", conversation)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", "first", "type", "text", "body", "hello")).exchange();
  }
}
