package dev.chatsync.contracts.identity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.identity.*}: the secret the gateway signs identities with and the services check
 * them with (no default: it must be set, and be the same everywhere), and how long one is valid.
 */
@ConfigurationProperties("chat.identity")
public record IdentityProperties(String secret, @DefaultValue("60s") Duration lifetime) {}
