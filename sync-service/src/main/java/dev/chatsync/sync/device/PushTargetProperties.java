package dev.chatsync.sync.device;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.push.*} as the registration sees it.
 *
 * @param webhookAllowedHosts the hosts a webhook target may name; empty: any. The notifier POSTs to
 *     the registered endpoint from inside your network, so set it to your push gateway's hosts.
 */
@ConfigurationProperties("chat.push")
public record PushTargetProperties(@DefaultValue List<String> webhookAllowedHosts) {}
