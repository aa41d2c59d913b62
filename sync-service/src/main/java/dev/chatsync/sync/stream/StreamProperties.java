package dev.chatsync.sync.stream;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.stream.*}.
 *
 * @param heartbeat how often a stream sends a comment line (docs/api.md: at least every 15 s); each
 *     heartbeat also re-reads the inbox, so a lost notification delays an entry by at most this
 * @param pageSize how many entries a stream reads from the inbox at a time
 * @param notifyLinger how long the instance goes on following a partition of the inbox
 *     notifications after the last stream that needed it ended: a device reconnecting within it
 *     finds its partition followed
 * @param notifyFollowTimeout how long a new stream waits for its partition to be followed before
 *     it opens anyway (its pushes then wait for heartbeats until the partition is followed)
 */
@ConfigurationProperties("chat.stream")
public record StreamProperties(@DefaultValue("15s") Duration heartbeat, @DefaultValue("100") int pageSize,
    @DefaultValue("60s") Duration notifyLinger, @DefaultValue("10s") Duration notifyFollowTimeout) {}
