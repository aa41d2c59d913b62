package dev.chatsync.sync.inbox;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.inbox.*}.
 *
 * @param rememberedMessages how many timeline messages an instance keeps after reading them, so
 *     the streams and pages of a group's members read each message once (0: none, every entry's
 *     message is read from Cassandra). At most this many message bodies in the heap: 2,000 bodies
 *     of the largest size allowed are 32 MiB.
 * @param maxPagesInFlight how many {@code /sync} pages one instance works on at once; one more is
 *     answered 503 {@code overloaded} at once instead of queueing. It bounds the store's queue
 *     only roughly: a page is two reads, one read per timeline partition of its messages (up to 16
 *     at once) and, after a cursor, an acknowledgement; the driver fails what it has no connection
 *     slot for (1,024 requests a connection by default)
 */
@ConfigurationProperties("chat.inbox")
public record InboxProperties(@DefaultValue("2000") int rememberedMessages, @DefaultValue("64") int maxPagesInFlight) {}
