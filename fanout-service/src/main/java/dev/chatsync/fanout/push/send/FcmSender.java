package dev.chatsync.fanout.push.send;

import dev.chatsync.fanout.push.Notification;
import dev.chatsync.fanout.push.PushProperties;
import dev.chatsync.fanout.push.PushTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.json.JsonMapper;

/**
 * Firebase Cloud Messaging, HTTP v1: {@code POST /v1/projects/{project}/messages:send} with a data
 * message (every value a string, as FCM requires) collapsed per conversation on Android. 400 and 404
 * (an invalid or unregistered token) refuse the target for good; 401 and 403 are this server's
 * credentials, not the device's, and are retried like a 5xx.
 */
public final class FcmSender implements PushSender {

  private static final Duration TOKEN_FILE_READ_EVERY = Duration.ofMinutes(1);

  private final HttpClient http;
  private final JsonMapper json;
  private final PushProperties properties;
  private final Clock clock = Clock.systemUTC();
  private volatile String token;
  private volatile Instant tokenReadAt = Instant.MIN;

  public FcmSender(HttpClient http, JsonMapper json, PushProperties properties) {
    this.http = http;
    this.json = json;
    this.properties = properties;
  }

  @Override
  public String provider() {
    return "fcm";
  }

  @Override
  public boolean configured() {
    PushProperties.Fcm fcm = properties.fcm();
    return !fcm.projectId().isEmpty() && !(fcm.accessToken().isEmpty() && fcm.accessTokenFile().isEmpty());
  }

  @Override
  public CompletableFuture<Outcome> send(PushTarget target, Notification notification) {
    PushProperties.Fcm fcm = properties.fcm();
    Map<String, String> data = new LinkedHashMap<>();
    data.put("notificationId", notification.notificationId());
    data.put("conversationId", notification.conversationId());
    data.put("seq", Long.toString(notification.seq()));
    data.put("senderId", notification.senderId());
    data.put("unreadCount", Long.toString(notification.unreadCount()));
    if (notification.preview() != null) {
      data.put("preview", notification.preview());
    }
    Map<String, Object> message = Map.of("message", Map.of("token", target.token(), "data", data,
        "android", Map.of("collapse_key", notification.conversationId())));
    HttpRequest request = HttpRequest.newBuilder(URI.create(fcm.baseUrl() + "/v1/projects/" + fcm.projectId() + "/messages:send"))
        .timeout(properties.requestTimeout())
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + accessToken())
        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(message)))
        .build();
    return HttpOutcomes.of(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()), properties.requestTimeout(), 401, 403);
  }

  private String accessToken() {
    PushProperties.Fcm fcm = properties.fcm();
    if (fcm.accessTokenFile().isEmpty()) {
      return fcm.accessToken();
    }
    Instant now = clock.instant();
    if (token == null || now.isAfter(tokenReadAt.plus(TOKEN_FILE_READ_EVERY))) {
      try {
        token = Files.readString(Path.of(fcm.accessTokenFile())).strip();
        tokenReadAt = now;
      } catch (IOException unreadable) {
        if (token == null) {
          throw new UncheckedIOException("cannot read chat.push.fcm.access-token-file", unreadable);
        }
      }
    }
    return token;
  }
}
