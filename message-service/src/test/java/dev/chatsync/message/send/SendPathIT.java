package dev.chatsync.message.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.ReadMoved;
import dev.chatsync.contracts.Topics;
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

/** The send path against the real Cassandra node and Kafka broker the test command starts. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class SendPathIT {

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
  void aSentMessageIsStoredInTheTimelineAndPublishedKeyedByConversation() {
    String conversationId = createGroup(alice, List.of(bob));

    SentMessage first = send(alice, conversationId, "m-1", "hello");
    SentMessage second = send(bob, conversationId, "m-2", "hi alice");

    assertThat(first.seq()).isEqualTo(1);
    assertThat(second.seq()).isEqualTo(2);
    assertThat(second.senderId()).isEqualTo(bob);

    List<Row> stored = cql.execute("SELECT seq, body, sender_id, client_msg_id FROM messages_by_conversation "
        + "WHERE conversation_id = ? AND bucket = 0", conversationId).all();
    assertThat(stored).extracting(row -> row.getLong("seq")).containsExactly(1L, 2L);
    assertThat(stored).extracting(row -> row.getString("body")).containsExactly("hello", "hi alice");
    assertThat(stored).extracting(row -> row.getString("client_msg_id")).containsExactly("m-1", "m-2");

    List<MessageAppended> published = awaitPublished(conversationId, 2);
    assertThat(published).extracting(MessageAppended::seq).containsExactly(1L, 2L);
    assertThat(published).extracting(MessageAppended::messageId).containsExactly(first.messageId(), second.messageId());

    HistoryPage history = as(bob).get().uri("/api/v1/conversations/{id}/messages", conversationId).exchange()
        .expectStatus().isOk().expectBody(HistoryPage.class).returnResult().getResponseBody();
    assertThat(history.items()).extracting(Message::body).containsExactly("hello", "hi alice");
    assertThat(history.items()).extracting(Message::sentAt).containsExactly(first.sentAt(), second.sentAt());
    assertThat(history.hasMore()).isFalse();
  }

  @Test
  void aRetriedSendReturnsTheFirstAnswerAndCreatesNothing() {
    String conversationId = createGroup(alice, List.of(bob));

    SentMessage first = send(alice, conversationId, "retry-me", "once");
    SentMessage again = as(alice).post().uri("/api/v1/conversations/{id}/messages", conversationId)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", "retry-me", "type", "text", "body", "once")).exchange()
        .expectStatus().isOk()
        .expectBody(SentMessage.class).returnResult().getResponseBody();

    assertThat(again).isEqualTo(first);
    assertThat(history(conversationId, "limit=10").items()).hasSize(1);
    // The same clientMsgId from another sender is another message.
    assertThat(send(bob, conversationId, "retry-me", "mine").seq()).isEqualTo(2);
  }

  @Test
  void readingMovesTheReadersPositionForwardOnlyAndTellsTheirDevices() {
    String conversationId = createGroup(alice, List.of(bob));
    for (int i = 1; i <= 3; i++) {
      send(alice, conversationId, "r-" + i, "message " + i);
    }

    read(bob, conversationId, "{\"upTo\":2}").expectStatus().isNoContent().expectBody().isEmpty();
    read(bob, conversationId, "{\"upTo\":1}").expectStatus().isNoContent().expectBody().isEmpty();
    assertThat(cql.execute("SELECT read_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
        conversationId, bob).one().getLong("read_seq")).isEqualTo(2L);

    read(bob, conversationId, "{\"upTo\":4}").expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("upTo");
    read(bob, conversationId, "{}").expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("upTo");
    read("mallory-" + bob, conversationId, "{\"upTo\":1}").expectStatus().isForbidden().expectBody().jsonPath("$.status").isEqualTo(403);

    // Keyed by conversation, for the fanout's receipts. The second read moved nothing and the first
    // was announced already: it announces nothing. The third announces from where the first ended.
    read(bob, conversationId, "{\"upTo\":3}").expectStatus().isNoContent();
    List<ReadMoved> announced = api.awaitRecords(Topics.READ_MOVED, conversationId, found -> found.size() >= 2);
    assertThat(announced).extracting(ReadMoved::readerId).containsOnly(bob);
    assertThat(announced).extracting(ReadMoved::fromSeq, ReadMoved::upTo)
        .containsExactly(tuple(0L, 2L), tuple(2L, 3L));
  }

  @Test
  void historyPagesBackwardsWithHasMore() {
    String conversationId = createGroup(alice, List.of(bob));
    for (int i = 1; i <= 5; i++) {
      send(alice, conversationId, "m-" + i, "message " + i);
    }

    HistoryPage newest = history(conversationId, "limit=2");
    assertThat(newest.items()).extracting(Message::seq).containsExactly(4L, 5L);
    assertThat(newest.hasMore()).isTrue();

    HistoryPage older = history(conversationId, "before=4&limit=3");
    assertThat(older.items()).extracting(Message::seq).containsExactly(1L, 2L, 3L);
    assertThat(older.hasMore()).isFalse();

    HistoryPage forward = history(conversationId, "after=2&limit=2");
    assertThat(forward.items()).extracting(Message::seq).containsExactly(3L, 4L);
    assertThat(forward.hasMore()).isTrue();
  }

  @Test
  void aDirectConversationIsCreatedOnceFromEitherSide() {
    String first = as(alice).post().uri("/api/v1/conversations").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("type", "direct", "members", List.of(bob))).exchange()
        .expectStatus().isCreated()
        .expectBody(Map.class).returnResult().getResponseBody().get("conversationId").toString();

    as(bob).post().uri("/api/v1/conversations").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("type", "direct", "members", List.of(alice))).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.conversationId").isEqualTo(first)
        .jsonPath("$.type").isEqualTo("direct");

    as(bob).get().uri("/api/v1/conversations/{id}", first).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.members.length()").isEqualTo(2);
  }

  @Test
  void onlyMembersSendAndRead() {
    String conversationId = createGroup(alice, List.of(bob));
    String mallory = "mallory-" + UUID.randomUUID().toString().substring(0, 8);

    as(mallory).post().uri("/api/v1/conversations/{id}/messages", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", "m-1", "body", "let me in")).exchange()
        .expectStatus().isForbidden()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.type").value(type -> assertThat(type.toString()).endsWith("/forbidden"));
    as(mallory).get().uri("/api/v1/conversations/{id}/messages", conversationId).exchange()
        .expectStatus().isForbidden()
        .expectBody().jsonPath("$.status").isEqualTo(403);
    as(alice).post().uri("/api/v1/conversations/{id}/messages", "no-such-conversation").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", "m-1", "body", "into nothing")).exchange()
        .expectStatus().isNotFound()
        .expectBody().jsonPath("$.status").isEqualTo(404);
    assertThat(cql.execute("SELECT seq FROM messages_by_conversation WHERE conversation_id = 'no-such-conversation' AND bucket = 0")
        .all()).as("a send into an unknown conversation stores nothing").isEmpty();
    as(alice).get().uri("/api/v1/conversations/{id}/messages", "no-such-conversation").exchange()
        .expectStatus().isNotFound()
        .expectBody().jsonPath("$.type").value(type -> assertThat(type.toString()).endsWith("/not-found"));
  }

  @Test
  void refusesCallsWithoutTheGatewaysIdentity() {
    api.anonymous().get().uri("/api/v1/conversations/{id}", "any").exchange()
        .expectStatus().isUnauthorized()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.status").isEqualTo(401);
  }

  @Test
  void aBodyOverTheDecodingLimitIsA413Problem() {
    String conversationId = createGroup(alice, List.of(bob));
    as(alice).post().uri("/api/v1/conversations/{id}/messages", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"clientMsgId\":\"big\",\"body\":\"" + "x".repeat(70_000) + "\"}").exchange()
        .expectStatus().isEqualTo(413)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type").value(type -> assertThat(type.toString()).endsWith("/too-large"))
        // Refused while decoding, before the send's own check of the body field could run.
        .jsonPath("$.field").doesNotExist();
  }

  @Test
  void badInputGetsAProblemNamingTheField() {
    String conversationId = createGroup(alice, List.of(bob));
    as(alice).post().uri("/api/v1/conversations/{id}/messages", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", "m-1", "body", "x".repeat(16385))).exchange()
        .expectStatus().isEqualTo(413)
        .expectBody().jsonPath("$.field").isEqualTo("body");
    as(alice).get().uri("/api/v1/conversations/{id}/messages?limit=201", conversationId).exchange()
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("limit");
    as(alice).get().uri("/api/v1/conversations/{id}/messages?before=abc", conversationId).exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.field").isEqualTo("before")
        .jsonPath("$.type").value(type -> assertThat(type.toString()).endsWith("/invalid-request"));
    as(alice).post().uri("/api/v1/conversations/{id}/messages", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{not json").exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.type").value(type -> assertThat(type.toString()).endsWith("/invalid-request"));
  }

  private SentMessage send(String sender, String conversationId, String clientMsgId, String body) {
    return as(sender).post().uri("/api/v1/conversations/{id}/messages", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", clientMsgId, "type", "text", "body", body)).exchange()
        .expectStatus().isCreated()
        .expectBody(SentMessage.class).returnResult().getResponseBody();
  }

  private HistoryPage history(String conversationId, String query) {
    return as(alice).get().uri("/api/v1/conversations/" + conversationId + "/messages?" + query).exchange()
        .expectStatus().isOk().expectBody(HistoryPage.class).returnResult().getResponseBody();
  }

  private WebTestClient.ResponseSpec read(String userId, String conversationId, String body) {
    return as(userId).post().uri("/api/v1/conversations/{id}/read", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body).exchange();
  }


  private String createGroup(String creator, List<String> members) {
    return api.createGroup(creator, members);
  }

  private WebTestClient as(String userId) {
    return api.as(userId);
  }

  private List<MessageAppended> awaitPublished(String conversationId, int count) {
    return api.awaitRecords(Topics.MESSAGE_APPENDED, conversationId, found -> found.size() >= count);
  }
}
