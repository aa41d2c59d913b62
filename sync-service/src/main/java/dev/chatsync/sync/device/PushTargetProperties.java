package dev.chatsync.sync.device;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.push.*} as the registration sees it.
 *
 * @param webhookAllowedHosts the hosts a webhook target may name; none by default, which turns
 *     webhook targets off: the notifier POSTs to the registered endpoint from inside your network,
 *     so name only your push gateway's hosts (the local profile names 127.0.0.1 and localhost)
 * @param maxTargets how many devices of one user may have a push target
 */
@ConfigurationProperties("chat.push")
public record PushTargetProperties(@DefaultValue List<String> webhookAllowedHosts, @DefaultValue("10") int maxTargets) {}
