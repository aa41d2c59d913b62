package dev.chatsync.contracts.identity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.identity.*}: the secret the gateway signs identities with and the services check
 * them with (no default: it must be set, and be the same everywhere), how long one is valid, and
 * whether the services still accept the older assertions bound to no request (only during the
 * upgrade from a release that signed those).
 */
@ConfigurationProperties("chat.identity")
public record IdentityProperties(String secret, @DefaultValue("60s") Duration lifetime,
    @DefaultValue("false") boolean acceptUnbound) {}
