package dev.chatsync.message.conversation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The fanout's {@code chat.fanout.read-fanout-threshold}, which message-service reads too: set it
 * to the same value in both. A group above it is delivered by read fanout, so its members' list
 * rows do not follow each message and the conversation list reads its head instead.
 */
@ConfigurationProperties("chat.fanout")
public record ReadFanoutProperties(@DefaultValue("1000") int readFanoutThreshold) {}
