package dev.chatsync.sync.presence;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.presence.*}.
 *
 * @param renewInterval how often an instance renews the presence of the users whose streams it holds
 * @param expireAfter how long a renewal keeps a user online: the bound on how long a user stays
 *     online after the instance holding their streams dies; more than twice the renew interval
 * @param offlineAfter how long after a user's last stream ends they are taken offline: a device
 *     that reconnects within it (a network change, an instance draining) makes no presence event
 * @param maxPartners how many direct-conversation partners get a user's presence events
 */
@ConfigurationProperties("chat.presence")
public record PresenceProperties(
    @DefaultValue("20s") Duration renewInterval,
    @DefaultValue("60s") Duration expireAfter,
    @DefaultValue("5s") Duration offlineAfter,
    @DefaultValue("1000") int maxPartners) {

  public PresenceProperties {
    if (expireAfter.compareTo(renewInterval.multipliedBy(2)) <= 0) {
      throw new IllegalStateException("chat.presence.expire-after (" + expireAfter + ") must be more than twice "
          + "chat.presence.renew-interval (" + renewInterval + "): a renewal late by one interval must not take users offline");
    }
  }
}
