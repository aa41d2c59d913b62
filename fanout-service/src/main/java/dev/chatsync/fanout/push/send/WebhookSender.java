package dev.chatsync.fanout.push.send;

import dev.chatsync.fanout.push.Notification;
import dev.chatsync.fanout.push.PushProperties;
import dev.chatsync.fanout.push.PushTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generic sender: POSTs the notification's JSON to the device's endpoint with
 * {@code X-Chat-Signature: sha256=<hex HMAC-SHA256 of the body>}, so a push gateway can tell it came
 * from here and was not changed on the way.
 */
public final class WebhookSender implements PushSender {

  public static final String SIGNATURE = "X-Chat-Signature";

  private final HttpClient http;
  private final JsonMapper json;
  private final PushProperties properties;

  public WebhookSender(HttpClient http, JsonMapper json, PushProperties properties) {
    this.http = http;
    this.json = json;
    this.properties = properties;
  }

  @Override
  public String provider() {
    return "webhook";
  }

  @Override
  public boolean configured() {
    return !properties.webhook().secret().isEmpty();
  }

  @Override
  public CompletableFuture<Outcome> send(PushTarget target, Notification notification) {
    byte[] body = json.writeValueAsBytes(notification);
    HttpRequest request = HttpRequest.newBuilder(URI.create(target.endpoint()))
        .timeout(properties.requestTimeout())
        .header("Content-Type", "application/json")
        .header(SIGNATURE, "sha256=" + sign(properties.webhook().secret(), body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return HttpOutcomes.of(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()), properties.requestTimeout());
  }

  /** The hex HMAC-SHA256 of the body with the secret: what a receiver computes to check it. */
  public static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException impossible) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", impossible);
    }
  }
}
