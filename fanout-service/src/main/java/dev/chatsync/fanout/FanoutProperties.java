package dev.chatsync.fanout;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.fanout.*}.
 *
 * @param inboxTtl how long an inbox entry lives; a device offline for longer rebuilds from the
 *     conversation list and history (docs/design.md, "The ideas")
 * @param retryBackoffMax the longest pause between two attempts at a record that failed; records
 *     are retried until they succeed, never skipped (P1)
 * @param republishLookback how far back the republisher looks for messages whose publish failed:
 *     longer than a broker outage you want to survive without help (P1); at most one hour
 * @param receiptInterval the shortest time between two receipt entries to one sender for one
 *     conversation (docs/api.md: at most one per second)
 * @param expandPollBudget how long stage 1 works on one poll before it hands the rest back to
 *     the next poll (P7): keep it well under the consumer's max.poll.interval.ms (default 5
 *     minutes), or a backlog turns into a rebalance storm
 * @param readFanoutThreshold above this many members a group is delivered by read fanout
 * @param channelActivityInterval the shortest time between two channel-activity rounds of one
 *     large group
 * @param channelActivityRate the most channel-activity entries a second one large group costs:
 *     a round that told N members is followed by the next one no sooner than N / rate seconds
 *     later (if that is longer than the interval, and at most a quarter of the republish
 *     look-back), so that a group's entries cost the store a bounded rate however many members
 *     watch it
 * @param memberCountFresh how long stage 1 trusts a group's member count before reading it again
 */
@ConfigurationProperties("chat.fanout")
public record FanoutProperties(
    @DefaultValue("7d") Duration inboxTtl,
    @DefaultValue("10s") Duration retryBackoffMax,
    @DefaultValue("1h") Duration republishLookback,
    @DefaultValue("1s") Duration receiptInterval,
    @DefaultValue("30s") Duration expandPollBudget,
    @DefaultValue("1000") int readFanoutThreshold,
    @DefaultValue("5s") Duration channelActivityInterval,
    @DefaultValue("200") int channelActivityRate,
    @DefaultValue("5s") Duration memberCountFresh) {}
