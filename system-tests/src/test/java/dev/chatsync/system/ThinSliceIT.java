package dev.chatsync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chatsync.system.ApiClient.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The thin slice end to end, through the gateway, with all four services running as processes on
 * the real Kafka broker and Cassandra node: create a group, send, every member's inbox gets the
 * message, sync returns it, history reads it.
 */
class ThinSliceIT {

  private static LocalSystem system;
  private static ApiClient api;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String alice = "alice-" + suffix;
  private final String bob = "bob-" + suffix;
  private final String carol = "carol-" + suffix;

  @BeforeAll
  static void startTheServices() throws Exception {
    system = LocalSystem.start("thin-slice");
    api = new ApiClient(system.gatewayPort);
  }

  @AfterAll
  static void stopTheServices() throws Exception {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void aGroupMessageReachesEveryMembersInboxAndHistory() throws Exception {
    Response created = api.call("POST", "/conversations", alice,
        "{\"type\":\"group\",\"title\":\"Team\",\"members\":[\"" + bob + "\",\"" + carol + "\"]}");
    assertThat(created.status()).isEqualTo(201);
    String conversationId = created.json("$.conversationId");
    assertThat(created.<List<String>>json("$.members")).containsExactly(alice, bob, carol);

    Response sent = api.call("POST", "/conversations/" + conversationId + "/messages", alice,
        "{\"clientMsgId\":\"c-1\",\"type\":\"text\",\"body\":\"hello team\"}");
    assertThat(sent.status()).isEqualTo(201);
    assertThat(sent.<Integer>json("$.seq")).isEqualTo(1);
    String messageId = sent.json("$.messageId");

    for (String member : List.of(bob, carol, alice)) {
      Response sync = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> api.call("GET", "/sync?after=0", member, null), page -> page.status() == 200
              && !page.<List<?>>json("$.entries").isEmpty());
      assertThat(sync.<List<?>>json("$.entries")).hasSize(1);
      assertThat(sync.<String>json("$.entries[0].kind")).isEqualTo("message");
      assertThat(sync.<String>json("$.entries[0].conversationId")).isEqualTo(conversationId);
      assertThat(sync.<String>json("$.entries[0].message.messageId")).isEqualTo(messageId);
      assertThat(sync.<String>json("$.entries[0].message.body")).isEqualTo("hello team");
      assertThat(sync.<String>json("$.entries[0].message.senderId")).isEqualTo(alice);
      assertThat(sync.<Integer>json("$.nextAfter")).isEqualTo(sync.<Integer>json("$.entries[0].seq"));
    }

    Response bobsList = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> api.call("GET", "/conversations?limit=10", bob, null),
            list -> list.status() == 200 && Integer.valueOf(1).equals(list.json("$.items[0].headSeq")));
    assertThat(bobsList.<String>json("$.items[0].conversationId")).isEqualTo(conversationId);
    assertThat(bobsList.<String>json("$.items[0].title")).isEqualTo("Team");
    assertThat(bobsList.<Integer>json("$.items[0].unreadCount")).isEqualTo(1);
    assertThat(bobsList.<String>json("$.items[0].lastMessage.body")).isEqualTo("hello team");
    Response alicesList = api.call("GET", "/conversations", alice, null);
    assertThat(alicesList.<Integer>json("$.items[0].unreadCount")).as("own messages are not unread").isZero();
    assertThat(alicesList.<Integer>json("$.items[0].readSeq")).isEqualTo(1);

    Response history = api.call("GET", "/conversations/" + conversationId + "/messages", carol, null);
    assertThat(history.status()).isEqualTo(200);
    assertThat(history.<List<String>>json("$.items[*].body")).containsExactly("hello team");
  }

  @Test
  void aStreamThroughTheGatewayReplaysThenPushesLive() throws Exception {
    String conversationId = api.call("POST", "/conversations", alice,
        "{\"type\":\"group\",\"title\":\"Live\",\"members\":[\"" + bob + "\"]}").json("$.conversationId");
    api.call("POST", "/conversations/" + conversationId + "/messages", alice, "{\"clientMsgId\":\"s-1\",\"body\":\"before\"}");
    await().atMost(Duration.ofSeconds(60)).until(() -> !api.call("GET", "/sync", bob, null).<List<?>>json("$.entries").isEmpty());

    try (ApiClient.Stream stream = api.stream(bob)) {
      ApiClient.Event replayed = stream.next(Duration.ofSeconds(30));
      assertThat(replayed.id()).isEqualTo("1");
      assertThat(replayed.<String>json("$.message.body")).isEqualTo("before");
      api.call("POST", "/conversations/" + conversationId + "/messages", alice, "{\"clientMsgId\":\"s-2\",\"body\":\"live\"}");
      ApiClient.Event live = stream.next(Duration.ofSeconds(30));
      assertThat(live.id()).isEqualTo("2");
      assertThat(live.kind()).isEqualTo("message");
      assertThat(live.<String>json("$.message.body")).isEqualTo("live");
    }
  }

  @Test
  void readingOnOneDeviceClearsTheUnreadCountAndTellsTheOthers() throws Exception {
    String dave = "dave-" + suffix;
    String conversationId = api.call("POST", "/conversations", alice,
        "{\"type\":\"direct\",\"members\":[\"" + dave + "\"]}").json("$.conversationId");
    api.call("POST", "/conversations/" + conversationId + "/messages", alice, "{\"clientMsgId\":\"d-1\",\"body\":\"ping\"}");
    await().atMost(Duration.ofSeconds(60)).until(() ->
        Integer.valueOf(1).equals(api.call("GET", "/conversations", dave, null).json("$.items[0].unreadCount")));

    assertThat(api.call("POST", "/conversations/" + conversationId + "/read", dave, "{\"upTo\":1}").status()).isEqualTo(204);

    await().atMost(Duration.ofSeconds(60)).until(() ->
        Integer.valueOf(0).equals(api.call("GET", "/conversations", dave, null).json("$.items[0].unreadCount")));
    Response otherDevice = api.call("GET", "/sync?after=1", dave, null);
    assertThat(otherDevice.<String>json("$.entries[0].kind")).isEqualTo("read");
    assertThat(otherDevice.<Integer>json("$.entries[0].upTo")).isEqualTo(1);
  }

  @Test
  void identityComesOnlyFromAVerifiedToken() throws Exception {
    String conversationId = api.call("POST", "/conversations", alice,
        "{\"type\":\"group\",\"title\":\"Team\",\"members\":[\"" + bob + "\"]}").json("$.conversationId");
    String mallory = "mallory-" + suffix;

    assertThat(api.call("GET", "/conversations/" + conversationId + "/messages", null, null).status()).isEqualTo(401);

    Response forged = api.callWithHeaders("GET", "/conversations/" + conversationId + "/messages", null, Map.of("Authorization", "Bearer " + api.token(mallory), "X-Chat-Identity", "v1.forged.by.mallory.x"));
    assertThat(forged.status()).isEqualTo(403);

    Response bypass = new ApiClient(system.messagePort).call("GET", "/conversations/" + conversationId + "/messages", null, null);
    assertThat(bypass.status()).isEqualTo(401);
    assertThat(bypass.<String>json("$.type")).endsWith("/unauthenticated");
  }
}
