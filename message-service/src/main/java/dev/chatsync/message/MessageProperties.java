package dev.chatsync.message;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.messages.*}.
 *
 * @param maxBodyBytes the largest message body accepted, in UTF-8 bytes (API.md: 16 KiB)
 * @param maxGroupMembers the largest group a conversation may have
 * @param seqAllocationAttempts how often a send retries the seq compare-and-set under contention
 *     before it answers 503
 */
@ConfigurationProperties("chat.messages")
public record MessageProperties(
    @DefaultValue("16384") int maxBodyBytes,
    @DefaultValue("1000") int maxGroupMembers,
    @DefaultValue("64") int seqAllocationAttempts) {}
