package dev.chatsync.message;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.messages.*}.
 *
 * @param maxBodyBytes the largest message body accepted, in UTF-8 bytes (API.md: 16 KiB)
 * @param maxGroupMembers the largest group a conversation may have
 * @param seqAllocationAttempts how often a send retries its atomic append under contention before
 *     it answers 503
 * @param sendLease how long a send owns its clientMsgId before a retry may take it over; the send
 *     makes no append attempt after half of it
 * @param dedupTtl how long a clientMsgId is remembered: longer than any client retries a send (P5)
 */
@ConfigurationProperties("chat.messages")
public record MessageProperties(
    @DefaultValue("16384") int maxBodyBytes,
    @DefaultValue("1000") int maxGroupMembers,
    @DefaultValue("64") int seqAllocationAttempts,
    @DefaultValue("10s") Duration sendLease,
    @DefaultValue("1d") Duration dedupTtl) {}
