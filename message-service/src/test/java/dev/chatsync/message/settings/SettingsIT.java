package dev.chatsync.message.settings;

import static dev.chatsync.message.ApiCalls.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import dev.chatsync.message.FaultInjection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A member's mute of a conversation, against real Cassandra: set, read back, expired, shown in the list. */
// The settings of InterruptedReadIT, so that they run in one application context.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.messages.sweep-grace=1h", "chat.messages.sweep-lookback=2h",
    "chat.messages.max-group-members=6"})
@AutoConfigureWebTestClient
@ActiveProfiles("local")
@Import(FaultInjection.class)
class SettingsIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  private ApiCalls api;
  private final String alice = user("alice");
  private final String bob = user("bob");

  @BeforeEach
  void client() {
    api = new ApiCalls(web, identity, bootstrapServers);
  }

  @Test
  void aMuteIsKeptUntilItEndsAndTheListShowsIt() {
    String conversationId = api.createGroup(alice, List.of(bob));
    Instant inAnHour = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    put(bob, conversationId, true, inAnHour.toString()).expectStatus().isOk().expectBody()
        .jsonPath("$.muted").isEqualTo(true).jsonPath("$.mutedUntil").isEqualTo(inAnHour.toString());
    api.as(bob).get().uri("/api/v1/conversations/{id}/settings", conversationId).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.muted").isEqualTo(true);
    assertThat(mutedInList(bob, conversationId)).isTrue();
    assertThat(mutedInList(alice, conversationId)).as("a mute is the muting member's only").isFalse();

    put(bob, conversationId, true, Instant.now().minusSeconds(1).toString()).expectStatus().isOk().expectBody()
        .jsonPath("$.muted").isEqualTo(false);
    assertThat(mutedInList(bob, conversationId)).as("a mute whose time passed is none").isFalse();

    put(bob, conversationId, true, null).expectStatus().isOk().expectBody().jsonPath("$.muted").isEqualTo(true);
    put(bob, conversationId, false, null).expectStatus().isOk().expectBody().jsonPath("$.muted").isEqualTo(false);
    assertThat(mutedInList(bob, conversationId)).isFalse();
    put(user("stranger"), conversationId, true, null).expectStatus().isForbidden();
  }

  private WebTestClient.ResponseSpec put(String userId, String conversationId, boolean muted, String until) {
    Map<String, Object> body = new HashMap<>();
    body.put("muted", muted);
    body.put("mutedUntil", until);
    return api.as(userId).put().uri("/api/v1/conversations/{id}/settings", conversationId)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  @SuppressWarnings("unchecked")
  private boolean mutedInList(String userId, String conversationId) {
    Map<String, Object> page = api.as(userId).get().uri("/api/v1/conversations").exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();
    return ((List<Map<String, Object>>) page.get("items")).stream()
        .filter(item -> conversationId.equals(item.get("conversationId")))
        .map(item -> (Boolean) item.get("muted")).findFirst().orElseThrow();
  }
}
