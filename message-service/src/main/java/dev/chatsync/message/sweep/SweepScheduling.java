package dev.chatsync.message.sweep;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The sweeper runs on Spring's scheduler (chat.messages.sweep-interval). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SweepScheduling {}
