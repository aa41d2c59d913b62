package dev.chatsync.fanout.push.send;

import dev.chatsync.fanout.push.Notification;
import dev.chatsync.fanout.push.PushProperties;
import dev.chatsync.fanout.push.PushTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.json.JsonMapper;

/**
 * Apple Push Notification service, token-based: {@code POST /3/device/{token}} with a provider JWT
 * ({@link ApnsToken}), the notification id as {@code apns-id} and the conversation as
 * {@code apns-collapse-id}, so the device shows one notification per conversation. 400 (a bad device
 * token) and 410 (unregistered) refuse the target for good; 403 is this server's key, retried.
 */
public final class ApnsSender implements PushSender {

  private final HttpClient http;
  private final JsonMapper json;
  private final PushProperties properties;
  private final ApnsToken providerToken;

  public ApnsSender(HttpClient http, JsonMapper json, PushProperties properties) {
    this.http = http;
    this.json = json;
    this.properties = properties;
    this.providerToken = new ApnsToken(properties.apns());
  }

  @Override
  public String provider() {
    return "apns";
  }

  @Override
  public boolean configured() {
    PushProperties.Apns apns = properties.apns();
    return !apns.teamId().isEmpty() && !apns.keyId().isEmpty() && !apns.privateKey().isEmpty() && !apns.topic().isEmpty();
  }

  @Override
  public CompletableFuture<Outcome> send(PushTarget target, Notification notification) {
    Map<String, Object> alert = new LinkedHashMap<>();
    alert.put("title", "New message");
    alert.put("body", notification.preview() != null ? notification.preview() : "You have new messages");
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("aps", Map.of("alert", alert, "badge", notification.unreadCount(), "thread-id", notification.conversationId()));
    payload.put("notification", notification);
    HttpRequest request = HttpRequest.newBuilder(URI.create(properties.apns().baseUrl() + "/3/device/" + target.token()))
        .timeout(properties.requestTimeout())
        .header("authorization", "bearer " + providerToken.current())
        .header("apns-id", notification.notificationId())
        .header("apns-collapse-id", notification.conversationId())
        .header("apns-push-type", "alert")
        .header("apns-topic", properties.apns().topic())
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(payload)))
        .build();
    return HttpOutcomes.of(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()), properties.requestTimeout(), 403);
  }
}
