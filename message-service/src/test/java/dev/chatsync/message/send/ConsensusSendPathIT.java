package dev.chatsync.message.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import dev.chatsync.message.timeline.Message;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The consensus send path ({@code chat.messages.send-path: consensus}): what a claimed clientMsgId
 * whose owner died or may still append becomes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "chat.messages.send-path=consensus")
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class ConsensusSendPathIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  private ApiCalls api;
  private final String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
  private final String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void client() {
    api = new ApiCalls(web, identity, bootstrapServers);
  }

  @Test
  void aRetryWhileTheFirstAttemptMayStillAppendIsToldToComeBack() {
    String conversationId = api.createGroup(alice, List.of(bob));
    cql.execute("INSERT INTO send_dedup (conversation_id, sender_id, client_msg_id, message_id, claimed_at, head_at_claim) "
        + "VALUES (?, ?, 'in-flight', 'mid-1', toTimestamp(now()), 0)", conversationId, alice);

    api.as(alice).post().uri("/api/v1/conversations/{id}/messages", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", "in-flight", "body", "x")).exchange()
        .expectStatus().isEqualTo(503)
        .expectHeader().valueEquals("Retry-After", "1")
        .expectBody().jsonPath("$.type").value(type -> assertThat(type.toString()).endsWith("/send-in-progress"));
  }

  @Test
  void aSendWhoseOwnerDiedBeforeAppendingIsTakenOverOnce() {
    String conversationId = api.createGroup(alice, List.of(bob));
    // An owner that claimed a minute ago and died before its append.
    cql.execute("INSERT INTO send_dedup (conversation_id, sender_id, client_msg_id, message_id, claimed_at, head_at_claim) "
        + "VALUES (?, ?, 'orphan', 'mid-orphan', ?, 0)", conversationId, alice, java.time.Instant.now().minusSeconds(60));

    SentMessage taken = send(alice, conversationId, "orphan", "recovered");

    assertThat(taken.messageId()).isEqualTo("mid-orphan");
    assertThat(taken.seq()).isEqualTo(1);
    assertThat(history(conversationId, "limit=10").items()).extracting(Message::body).containsExactly("recovered");
  }

  @Test
  void aSendWhoseOwnerDiedAfterAppendingIsFoundNotRepeated() {
    String conversationId = api.createGroup(alice, List.of(bob));
    SentMessage before = send(bob, conversationId, "b-1", "before");
    // The owner claimed, appended (at seq 2) and died before recording the seq in its claim.
    SentMessage appended = send(alice, conversationId, "stranded", "hello");
    cql.execute("UPDATE send_dedup SET seq = null, sent_at = null, claimed_at = ?, head_at_claim = ? "
        + "WHERE conversation_id = ? AND sender_id = ? AND client_msg_id = 'stranded'",
        appended.sentAt().minusSeconds(60), before.seq(), conversationId, alice);
    send(bob, conversationId, "b-2", "after");

    SentMessage retried = api.as(alice).post().uri("/api/v1/conversations/{id}/messages", conversationId)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", "stranded", "body", "hello")).exchange()
        .expectStatus().isOk()
        .expectBody(SentMessage.class).returnResult().getResponseBody();

    assertThat(retried.seq()).isEqualTo(appended.seq());
    assertThat(retried.messageId()).isEqualTo(appended.messageId());
    assertThat(history(conversationId, "limit=10").items()).extracting(Message::body).containsExactly("before", "hello", "after");
  }

  private SentMessage send(String sender, String conversationId, String clientMsgId, String body) {
    return api.as(sender).post().uri("/api/v1/conversations/{id}/messages", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", clientMsgId, "type", "text", "body", body)).exchange()
        .expectStatus().isCreated()
        .expectBody(SentMessage.class).returnResult().getResponseBody();
  }

  private HistoryPage history(String conversationId, String query) {
    return api.as(alice).get().uri("/api/v1/conversations/" + conversationId + "/messages?" + query).exchange()
        .expectStatus().isOk().expectBody(HistoryPage.class).returnResult().getResponseBody();
  }
}
