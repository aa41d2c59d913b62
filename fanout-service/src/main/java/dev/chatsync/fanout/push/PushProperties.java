package dev.chatsync.fanout.push;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.push.*}: offline push (docs/api.md, "Push and settings").
 *
 * @param enabled whether the notifier runs (its consumer group reads every inbox record)
 * @param coalesce at most one notification per device and conversation this often; one that comes
 *     sooner waits for the end of the interval, replaced by any later one (it carries the newest
 *     unread count)
 * @param previews whether a notification carries the first characters of the message
 * @param maxAge entries older than this make no push: a notifier that starts on a week of records
 *     (a new consumer group, a long outage) wakes nobody for what is long past
 * @param attempts how often a notification is tried when the provider answers 5xx, 429 or not at
 *     all, with the pause doubling from {@code firstRetry}; then it is dropped and counted
 * @param webhook the generic sender: POSTs the notification, signed
 * @param fcm Firebase Cloud Messaging, HTTP v1
 * @param apns Apple Push Notification service, token-based (a .p8 key)
 */
@ConfigurationProperties("chat.push")
public record PushProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("5s") Duration coalesce,
    @DefaultValue("false") boolean previews,
    @DefaultValue("15m") Duration maxAge,
    @DefaultValue("4") int attempts,
    @DefaultValue("500ms") Duration firstRetry,
    @DefaultValue("10s") Duration requestTimeout,
    @DefaultValue Webhook webhook,
    @DefaultValue Fcm fcm,
    @DefaultValue Apns apns) {

  /** @param secret the HMAC-SHA256 key of X-Chat-Signature; webhook pushes are not sent without one */
  public record Webhook(@DefaultValue("") String secret) {}

  /**
   * @param baseUrl the FCM API's root
   * @param projectId the Firebase project
   * @param accessToken an OAuth 2 access token with the firebase.messaging scope; or
   * @param accessTokenFile a file holding one, read again every minute (a sidecar or a workload
   *     identity keeps it fresh)
   */
  public record Fcm(@DefaultValue("https://fcm.googleapis.com") String baseUrl, @DefaultValue("") String projectId,
      @DefaultValue("") String accessToken, @DefaultValue("") String accessTokenFile) {}

  /**
   * @param baseUrl the APNs root (api.sandbox.push.apple.com for development builds)
   * @param teamId the Apple developer team, the provider token's issuer
   * @param keyId the .p8 key's id
   * @param privateKey the .p8 key itself (PEM, PKCS#8, EC P-256)
   * @param topic the app's bundle id
   */
  public record Apns(@DefaultValue("https://api.push.apple.com") String baseUrl, @DefaultValue("") String teamId,
      @DefaultValue("") String keyId, @DefaultValue("") String privateKey, @DefaultValue("") String topic) {}
}
