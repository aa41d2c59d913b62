package dev.chatsync.fanout.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.MessageChanged;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.fanout.push.send.WebhookSender;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The offline push notifier on the real broker and node, against local fakes of the webhook
 * receiver, FCM's HTTP v1 API and APNs: inbox records in, notifications out to each device with a
 * target and no stream, signed, coalesced, retried on 5xx, and a refused target disabled.
 */
@SpringBootTest(properties = {
    "chat.push.coalesce=1s", "chat.push.first-retry=100ms", "chat.push.webhook.secret=" + PushIT.SECRET,
    "chat.push.fcm.project-id=chat-test", "chat.push.fcm.access-token=fcm-test-token",
    "chat.push.apns.team-id=TEAM123456", "chat.push.apns.key-id=KEY1234567", "chat.push.apns.topic=dev.chatsync.demo"})
class PushIT {

  static final String SECRET = "webhook-test-secret";
  private static final Duration DELIVERY = Duration.ofSeconds(60);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final KeyPair APNS_KEY = apnsKey();
  private static final FakeProvider WEBHOOK = fake("webhook");
  private static final FakeProvider FCM = fake("fcm");
  private static final FakeProvider APNS = fake("apns");

  @DynamicPropertySource
  static void providers(DynamicPropertyRegistry registry) {
    registry.add("chat.push.fcm.base-url", FCM::url);
    registry.add("chat.push.apns.base-url", APNS::url);
    registry.add("chat.push.apns.private-key", () -> "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(APNS_KEY.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----");
  }

  @AfterAll
  static void stopTheFakes() {
    WEBHOOK.close();
    FCM.close();
    APNS.close();
  }

  @Autowired CqlSession cql;
  @Autowired TopicProducer<InboxAppend> inboxAppends;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String conversationId = "conv-" + suffix;
  private final String alice = "alice-" + suffix;
  private final String bob = "bob-" + suffix;

  @Test
  void aMessageWakesEveryOfflineDeviceThroughItsProviderAndNoStreamingOne() throws Exception {
    member(bob, conversationId);
    target(bob, "web", "webhook", "web-token", WEBHOOK.url() + "/hooks/" + bob + "/web");
    target(bob, "android", "fcm", "fcm-" + suffix, null);
    target(bob, "ios", "apns", "apns" + suffix, null);
    target(bob, "phone", "webhook", "phone-token", WEBHOOK.url() + "/hooks/" + bob + "/phone");
    streaming(bob, "phone");

    message(bob, conversationId, 1, alice);

    await().atMost(DELIVERY).until(() -> WEBHOOK.to("/hooks/" + bob + "/web").size() == 1
        && FCM.to("/v1/projects/chat-test/messages:send").stream().anyMatch(request -> request.body().contains("fcm-" + suffix))
        && APNS.to("/3/device/apns" + suffix).size() == 1);

    FakeProvider.Received hook = WEBHOOK.to("/hooks/" + bob + "/web").get(0);
    assertThat(hook.header(WebhookSender.SIGNATURE))
        .isEqualTo("sha256=" + WebhookSender.sign(SECRET, hook.body().getBytes(StandardCharsets.UTF_8)));
    JsonNode notification = JSON.readTree(hook.body());
    assertThat(notification.get("conversationId").asString()).isEqualTo(conversationId);
    assertThat(notification.get("seq").asLong()).isEqualTo(1);
    assertThat(notification.get("senderId").asString()).isEqualTo(alice);
    assertThat(notification.get("unreadCount").asLong()).isEqualTo(1);
    assertThat(notification.has("preview")).as("previews are off by default").isFalse();
    UUID.fromString(notification.get("notificationId").asString());

    FakeProvider.Received fcm = FCM.to("/v1/projects/chat-test/messages:send").stream()
        .filter(request -> request.body().contains("fcm-" + suffix)).findFirst().orElseThrow();
    assertThat(fcm.header("Authorization")).isEqualTo("Bearer fcm-test-token");
    JsonNode fcmMessage = JSON.readTree(fcm.body()).get("message");
    assertThat(fcmMessage.get("token").asString()).isEqualTo("fcm-" + suffix);
    assertThat(fcmMessage.get("data").get("unreadCount").asString()).isEqualTo("1");

    FakeProvider.Received apns = APNS.to("/3/device/apns" + suffix).get(0);
    assertThat(apns.header("apns-topic")).isEqualTo("dev.chatsync.demo");
    assertThat(apns.header("apns-collapse-id")).isEqualTo(conversationId);
    assertThat(verifiesWithTheTeamKey(apns.header("authorization").substring("bearer ".length()))).isTrue();
    assertThat(JSON.readTree(apns.body()).get("aps").get("badge").asLong()).isEqualTo(1);

    assertThat(WEBHOOK.to("/hooks/" + bob + "/phone")).as("the phone holds a stream").isEmpty();
    System.out.println("push: " + hook + " | " + fcm + " | " + apns);
  }

  @Test
  void ownMessagesMutedConversationsAndOldEntriesWakeNobodyAndARecallDoes() {
    String muted = "muted-" + suffix;
    member(bob, conversationId);
    member(bob, muted);
    cql.execute("UPDATE conversations_by_user SET muted = true WHERE user_id = ? AND conversation_id = ?", bob, muted);
    String hook = "/hooks/" + bob + "/web";
    target(bob, "web", "webhook", "web-token", WEBHOOK.url() + hook);

    message(bob, conversationId, 1, bob);
    message(bob, muted, 1, alice);
    // A week-old record (a new consumer group starts at the topic's beginning) is long past.
    inboxAppends.send(InboxAppend.message(bob, "old-" + suffix, 1, "msg-1", alice,
        Instant.now().minus(Duration.ofDays(6)).toEpochMilli())).join();
    inboxAppends.send(InboxAppend.messageUpdated(bob, new MessageChanged(conversationId, 1, "msg-1", bob, 2,
        MessageChanged.RECALLED, bob, Instant.now().toEpochMilli()))).join();
    inboxAppends.send(InboxAppend.messageUpdated(bob, new MessageChanged(conversationId, 2, "msg-2", alice, 2,
        MessageChanged.RECALLED, alice, Instant.now().toEpochMilli()))).join();

    // Bob's records are handled in order: once the last one's push is in, none of the others made one.
    await().atMost(DELIVERY).until(() -> !WEBHOOK.to(hook).isEmpty());
    assertThat(WEBHOOK.to(hook)).hasSize(1).allSatisfy(request -> assertThat(request.body()).contains("\"seq\":2"));
  }

  @Test
  void notificationsAreCoalescedPerConversationCarryingTheNewestUnreadCount() throws Exception {
    member(bob, conversationId);
    String hook = "/hooks/" + bob + "/web";
    target(bob, "web", "webhook", "web-token", WEBHOOK.url() + hook);

    message(bob, conversationId, 1, alice);
    await().atMost(DELIVERY).until(() -> WEBHOOK.to(hook).size() == 1);
    message(bob, conversationId, 2, alice);
    message(bob, conversationId, 3, alice);

    await().atMost(DELIVERY).until(() -> WEBHOOK.to(hook).size() == 2);
    assertThat(JSON.readTree(WEBHOOK.to(hook).get(1).body()).get("unreadCount").asLong()).isEqualTo(3);
    await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5)).until(() -> WEBHOOK.to(hook).size() == 2);
  }

  @Test
  void aProviderErrorIsRetriedAndARefusalDisablesTheTarget() throws Exception {
    member(bob, conversationId);
    String hook = "/hooks/" + bob + "/web";
    target(bob, "web", "webhook", "web-token", WEBHOOK.url() + hook);
    target(bob, "ios", "apns", "gone" + suffix, null);
    WEBHOOK.answer(hook, 503, 502);
    APNS.answer("/3/device/gone" + suffix, 410);

    message(bob, conversationId, 1, alice);

    await().atMost(DELIVERY).until(() -> WEBHOOK.to(hook).size() == 3);
    assertThat(WEBHOOK.to(hook)).extracting(request -> JSON.readTree(request.body()).get("notificationId").asString())
        .as("every attempt is the same notification").containsOnly(
            JSON.readTree(WEBHOOK.to(hook).get(0).body()).get("notificationId").asString());
    await().atMost(DELIVERY).until(() -> !cql.execute("SELECT disabled_at FROM push_targets WHERE user_id = ? AND device_id = 'ios'",
        bob).one().isNull("disabled_at"));

    message(bob, "other-" + suffix, 1, alice);
    await().atMost(DELIVERY).until(() -> WEBHOOK.to(hook).size() == 4);
    assertThat(APNS.to("/3/device/gone" + suffix)).as("a refused target gets nothing more").hasSize(1);
  }

  private void message(String userId, String conversation, long seq, String sender) {
    inboxAppends.send(InboxAppend.message(userId, conversation, seq, "msg-" + seq, sender, Instant.now().toEpochMilli())).join();
  }

  private void member(String userId, String conversation) {
    cql.execute("INSERT INTO conversations_by_user (user_id, conversation_id, joined_seq, read_seq) VALUES (?, ?, 0, 0)",
        userId, conversation);
  }

  private void target(String userId, String deviceId, String provider, String token, String endpoint) {
    cql.execute("INSERT INTO push_targets (user_id, device_id, provider, device_token, endpoint, registered_at) VALUES (?, ?, ?, ?, ?, ?)",
        userId, deviceId, provider, token, endpoint, Instant.now());
  }

  private void streaming(String userId, String deviceId) {
    cql.execute("UPDATE presence_by_user USING TTL 600 SET renewed_at = ? WHERE user_id = ? AND instance_id = 'test' "
        + "AND device_id = ?", Instant.now(), userId, deviceId);
  }

  private static boolean verifiesWithTheTeamKey(String jwt) throws Exception {
    String[] parts = jwt.split("\\.");
    String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
    signature.initVerify(APNS_KEY.getPublic());
    signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    return header.contains("\"kid\":\"KEY1234567\"") && claims.contains("\"iss\":\"TEAM123456\"")
        && signature.verify(Base64.getUrlDecoder().decode(parts[2]));
  }

  private static KeyPair apnsKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static FakeProvider fake(String name) {
    try {
      return new FakeProvider(name);
    } catch (Exception failed) {
      throw new IllegalStateException(failed);
    }
  }
}
