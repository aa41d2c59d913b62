package dev.chatsync.gateway.auth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.auth.*}.
 *
 * @param jwtSecret the HS256 secret client tokens are signed with, at least 32 bytes; no default
 * @param devTokens whether {@code POST /api/v1/dev/tokens} hands out tokens to anyone: local only
 * @param devTokenLifetime how long a dev token is valid
 */
@ConfigurationProperties("chat.auth")
public record AuthProperties(
    String jwtSecret,
    @DefaultValue("false") boolean devTokens,
    @DefaultValue("12h") Duration devTokenLifetime) {}
