package dev.chatsync.gateway.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.rate-limits.*}: what one user, and one conversation, may ask of this gateway
 * instance. Each is a token bucket whose burst is one period's worth; 0 turns that limit off.
 *
 * @param enabled whether any limit applies
 * @param userRequestsPerSecond every API request of a user
 * @param userSendsPerSecond a user's sends ({@code POST .../messages}), over all conversations
 * @param userStreamsPerMinute a user's new streams ({@code GET /stream}), over all devices
 * @param conversationSendsPerSecond sends into one conversation, by all its members
 */
@ConfigurationProperties("chat.rate-limits")
public record RateLimitProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("50") int userRequestsPerSecond,
    @DefaultValue("10") int userSendsPerSecond,
    @DefaultValue("30") int userStreamsPerMinute,
    @DefaultValue("50") int conversationSendsPerSecond) {

  public RateLimitProperties {
    if (userRequestsPerSecond < 0 || userSendsPerSecond < 0 || userStreamsPerMinute < 0 || conversationSendsPerSecond < 0) {
      throw new IllegalArgumentException("chat.rate-limits.* are counts: 0 (off) or more");
    }
  }
}
