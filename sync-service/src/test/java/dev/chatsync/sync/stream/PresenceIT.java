package dev.chatsync.sync.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.sync.presence.PresenceStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/**
 * Presence on the real node and broker: a user is online while one of their devices holds a
 * stream, their direct partners' streams are told of each change, a user who hides it looks
 * offline, and an instance that dies lets its users go offline by itself within expire-after.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.stream.heartbeat=60s", "chat.presence.offline-after=1s", "chat.presence.renew-interval=1s",
    "chat.presence.expire-after=3s"})
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class PresenceIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;
  @Autowired PresenceStore store;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String alice = "alice-" + suffix;
  private final String bob = "bob-" + suffix;

  @Test
  void partnersSeeAUserComeOnlineAndGoOfflineAsTheirStreamsComeAndGo() {
    partners(alice, bob);
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);
    Disposable[] aliceStream = new Disposable[1];

    StepVerifier.create(fixture.open(bob, null))
        .then(() -> aliceStream[0] = fixture.open(alice, null).subscribe())
        .assertNext(event -> {
          assertThat(event.event()).isEqualTo("presence");
          assertThat(event.id()).isNull();
          assertThat(event.data()).contains("\"userId\":\"" + alice + "\"").contains("\"online\":true");
        })
        .then(() -> assertThat(presence(alice)).containsEntry("online", true))
        .then(() -> aliceStream[0].dispose())
        .assertNext(event -> assertThat(event.data()).contains("\"userId\":\"" + alice + "\"").contains("\"online\":false"))
        .thenCancel()
        .verify(Duration.ofSeconds(30));

    assertThat(presence(alice)).containsEntry("online", false).containsKey("lastSeenAt");
  }

  /** Nobody can watch a stranger come and go: only direct partners see a user's presence. */
  @Test
  void aStrangerSeesNobodyOnline() {
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);
    Disposable aliceStream = fixture.open(alice, null).subscribe();
    partners(alice, bob);
    await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(presence(alice).get("online")));

    assertThat(presenceAs("stranger-" + suffix, alice)).containsEntry("online", false).containsEntry("lastSeenAt", null);
    aliceStream.dispose();
  }

  @Test
  void aUserWhoHidesLooksOfflineAndTheirPartnersAreToldSoOnce() {
    partners(alice, bob);
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);
    Disposable aliceStream = fixture.open(alice, null).subscribe();
    await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(presence(alice).get("online")));

    StepVerifier.create(fixture.open(bob, null))
        .then(() -> as(alice).put().uri("/api/v1/me/settings").contentType(MediaType.APPLICATION_JSON)
            .bodyValue(Map.of("showPresence", false)).exchange().expectStatus().isOk())
        .assertNext(event -> assertThat(event.data()).contains("\"online\":false"))
        .thenCancel()
        .verify(Duration.ofSeconds(30));

    assertThat(presence(alice)).containsEntry("online", false).containsEntry("lastSeenAt", null);
    as(alice).get().uri("/api/v1/me/settings").exchange().expectBody().jsonPath("$.showPresence").isEqualTo(false);
    aliceStream.dispose();
  }

  /** An instance that dies renews nothing more: its users are offline once its last renewal expires. */
  @Test
  void theUsersOfAnInstanceThatDiedGoOfflineByThemselves() {
    partners(alice, bob);
    store.renew(List.of(new PresenceStore.Device(alice, "phone")), "an-instance-that-died", Instant.now(), Duration.ofSeconds(2))
        .block();
    assertThat(presence(alice)).containsEntry("online", true);

    await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.FALSE.equals(presence(alice).get("online")));
  }

  private void partners(String one, String other) {
    cql.execute("INSERT INTO direct_partners (user_id, partner_id, conversation_id) VALUES (?, ?, ?)", one, other, "d-" + suffix);
    cql.execute("INSERT INTO direct_partners (user_id, partner_id, conversation_id) VALUES (?, ?, ?)", other, one, "d-" + suffix);
  }

  private Map<String, Object> presence(String userId) {
    return presenceAs(bob, userId);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> presenceAs(String caller, String userId) {
    Map<String, Object> page = as(caller).get().uri("/api/v1/presence?userIds=" + userId).exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();
    return ((List<Map<String, Object>>) page.get("items")).get(0);
  }

  private WebTestClient as(String userId) {
    return web.mutate().filter(identity.signing(new Caller(userId, "phone"), "sync-service"))
        .responseTimeout(Duration.ofSeconds(10)).build();
  }
}
