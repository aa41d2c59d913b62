package dev.chatsync.fanout;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The fanout on the real broker and node, one application context for every test class that uses
 * it: classes with their own contexts would put more consumers into the same consumer groups and
 * take each other's partitions. A short republish interval, and a small stage-1 poll budget under
 * a short max.poll.interval.ms, so that a poll that did not hand work back would show as a
 * rebalance. A short channel-activity interval, and member counts read afresh for each page, so that read-fanout tests wait seconds, not minutes;
 * a channel-activity rate of 2 entries a second, so that a round telling a handful of members paces the next.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(properties = {
    "chat.fanout.republish-interval=1s",
    "chat.fanout.channel-activity-interval=1s",
    "chat.fanout.channel-activity-rate=2",
    "chat.fanout.member-count-fresh=0s",
    "chat.fanout.expand-poll-budget=${test.expand-poll-budget:300ms}",
    "spring.kafka.consumer.properties.max.poll.interval.ms=5000"})
public @interface FanoutIntegrationTest {}
