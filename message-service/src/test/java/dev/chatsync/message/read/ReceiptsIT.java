package dev.chatsync.message.read;

import static dev.chatsync.message.ApiCalls.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The receipts of a message, computed from the members' read positions in the real Cassandra node. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class ReceiptsIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  private ApiCalls api;
  private final String alice = user("alice");
  private final String bob = user("bob");
  private final String carol = user("carol");
  private final String dave = user("dave");

  @BeforeEach
  void client() {
    api = new ApiCalls(web, identity, bootstrapServers);
  }

  @Test
  void readersAreTheMembersWhoseReadPositionReachedTheMessage() {
    String conversationId = api.createGroup(alice, List.of(bob, carol));
    for (int i = 1; i <= 3; i++) {
      api.send(alice, conversationId, "message " + i);
    }
    api.read(bob, conversationId, 2).expectStatus().isNoContent();

    assertThat(receipts(alice, conversationId, 2, "")).containsEntry("readCount", 1).containsEntry("unreadCount", 1)
        .containsEntry("readers", List.of(bob));
    assertThat(receipts(alice, conversationId, 3, "")).containsEntry("readCount", 0).containsEntry("unreadCount", 2)
        .containsEntry("readers", List.of());

    api.read(carol, conversationId, 3).expectStatus().isNoContent();
    // Any member may ask; readers come in pages.
    Map<String, Object> first = receipts(bob, conversationId, 2, "&limit=1");
    assertThat(first).containsEntry("readCount", 2).containsEntry("unreadCount", 0);
    List<String> readers = new java.util.ArrayList<>((List<String>) first.get("readers"));
    Map<String, Object> second = receipts(bob, conversationId, 2, "&limit=1&pageToken=" + first.get("nextPageToken"));
    readers.addAll((List<String>) second.get("readers"));
    assertThat(readers).containsExactlyInAnyOrder(bob, carol);
    assertThat(second.get("nextPageToken")).isNull();
  }

  @Test
  void theAudienceIsTheCurrentMembersWhoWereThereWhenItWasSent() {
    String conversationId = api.createGroup(alice, List.of(bob, carol));
    api.send(alice, conversationId, "before dave");
    api.as(alice).post().uri("/api/v1/conversations/{id}/members", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("userIds", List.of(dave))).exchange().expectStatus().isOk().expectBody().jsonPath("$.members.length()").isEqualTo(4);
    api.as(alice).delete().uri("/api/v1/conversations/{id}/members/{user}", conversationId, carol).exchange()
        .expectStatus().isNoContent();
    api.send(alice, conversationId, "with dave");

    assertThat(receipts(alice, conversationId, 1, "")).containsEntry("readCount", 0).containsEntry("unreadCount", 1);
    assertThat(receipts(alice, conversationId, 2, "")).containsEntry("readCount", 0).containsEntry("unreadCount", 2);
    // Dave joined at 1: message 1 is not his to see, its receipts neither (P6).
    call(dave, conversationId, 1, "").expectStatus().isNotFound().expectBody().jsonPath("$.status").exists();
  }

  @Test
  void badRequestsAreRefusedWithProblems() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "one");

    call(alice, conversationId, 2, "").expectStatus().isNotFound().expectBody().jsonPath("$.status").isEqualTo(404);
    call(alice, conversationId, 0, "").expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("seq");
    api.as(alice).get().uri("/api/v1/conversations/" + conversationId + "/messages/latest/receipts").exchange()
        .expectStatus().isBadRequest().expectBody().jsonPath("$.status").isEqualTo(400);
    call(alice, conversationId, 1, "&limit=500").expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("limit");
    call(alice, conversationId, 1, "&pageToken=bm9wZQ").expectStatus().isBadRequest().expectBody()
        .jsonPath("$.field").isEqualTo("pageToken");
    call(carol, conversationId, 1, "").expectStatus().isForbidden().expectBody().jsonPath("$.status").isEqualTo(403);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> receipts(String caller, String conversationId, long seq, String query) {
    return call(caller, conversationId, seq, query).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
  }

  private WebTestClient.ResponseSpec call(String caller, String conversationId, long seq, String query) {
    return api.as(caller).get().uri("/api/v1/conversations/" + conversationId + "/messages/" + seq + "/receipts?x=1" + query)
        .exchange();
  }
}
