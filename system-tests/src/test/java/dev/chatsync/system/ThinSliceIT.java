package dev.chatsync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
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
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String alice = "alice-" + suffix;
  private final String bob = "bob-" + suffix;
  private final String carol = "carol-" + suffix;

  @BeforeAll
  static void startTheServices() throws Exception {
    system = LocalSystem.start("thin-slice");
  }

  @AfterAll
  static void stopTheServices() throws Exception {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void aGroupMessageReachesEveryMembersInboxAndHistory() throws Exception {
    String aliceToken = token(alice);
    Response created = call("POST", "/conversations", aliceToken,
        "{\"type\":\"group\",\"title\":\"Team\",\"members\":[\"" + bob + "\",\"" + carol + "\"]}");
    assertThat(created.status()).isEqualTo(201);
    String conversationId = created.json("$.conversationId");
    assertThat(created.<List<String>>json("$.members")).containsExactly(alice, bob, carol);

    Response sent = call("POST", "/conversations/" + conversationId + "/messages", aliceToken,
        "{\"clientMsgId\":\"c-1\",\"type\":\"text\",\"body\":\"hello team\"}");
    assertThat(sent.status()).isEqualTo(201);
    assertThat(sent.<Integer>json("$.seq")).isEqualTo(1);
    String messageId = sent.json("$.messageId");

    for (String member : List.of(bob, carol, alice)) {
      String memberToken = token(member);
      Response sync = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> call("GET", "/sync?after=0", memberToken, null), page -> page.status() == 200
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
        .until(() -> call("GET", "/conversations?limit=10", token(bob), null),
            list -> list.status() == 200 && Integer.valueOf(1).equals(list.json("$.items[0].headSeq")));
    assertThat(bobsList.<String>json("$.items[0].conversationId")).isEqualTo(conversationId);
    assertThat(bobsList.<String>json("$.items[0].title")).isEqualTo("Team");
    assertThat(bobsList.<Integer>json("$.items[0].unreadCount")).isEqualTo(1);
    assertThat(bobsList.<String>json("$.items[0].lastMessage.body")).isEqualTo("hello team");
    Response alicesList = call("GET", "/conversations", aliceToken, null);
    assertThat(alicesList.<Integer>json("$.items[0].unreadCount")).as("own messages are not unread").isZero();
    assertThat(alicesList.<Integer>json("$.items[0].readSeq")).isEqualTo(1);

    Response history = call("GET", "/conversations/" + conversationId + "/messages", token(carol), null);
    assertThat(history.status()).isEqualTo(200);
    assertThat(history.<List<String>>json("$.items[*].body")).containsExactly("hello team");
  }

  @Test
  void identityComesOnlyFromAVerifiedToken() throws Exception {
    String conversationId = call("POST", "/conversations", token(alice),
        "{\"type\":\"group\",\"title\":\"Team\",\"members\":[\"" + bob + "\"]}").json("$.conversationId");
    String mallory = token("mallory-" + suffix);

    assertThat(call("GET", "/conversations/" + conversationId + "/messages", null, null).status()).isEqualTo(401);

    HttpRequest forged = HttpRequest.newBuilder(URI.create(system.gateway() + "/conversations/" + conversationId + "/messages"))
        .header("Authorization", "Bearer " + mallory)
        .header("X-Chat-Identity", "v1.forged.by.mallory.x")
        .GET().build();
    assertThat(http.send(forged, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

    HttpRequest direct = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + system.messagePort
        + "/api/v1/conversations/" + conversationId + "/messages")).GET().build();
    HttpResponse<String> bypass = http.send(direct, HttpResponse.BodyHandlers.ofString());
    assertThat(bypass.statusCode()).isEqualTo(401);
    assertThat(bypass.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
  }

  private String token(String userId) throws Exception {
    Response response = call("POST", "/dev/tokens", null, "{\"userId\":\"" + userId + "\"}");
    assertThat(response.status()).isEqualTo(200);
    return response.json("$.token");
  }

  private Response call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.gateway() + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body());
  }

  record Response(int status, String body) {
    <T> T json(String path) {
      return JsonPath.read(body, path);
    }
  }
}
