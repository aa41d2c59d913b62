package dev.chatsync.sync;

import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.contracts.tracing.RecordTracing;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** The topics sync-service writes: each producer keys its records as its topic says. */
@Configuration(proxyBeanMethods = false)
class KafkaTopics {

  /** Presence signals for the partners' open streams. */
  @Bean
  TopicProducer<InboxNotify> notifications(KafkaTemplate<String, byte[]> kafka, RecordTracing tracing) {
    return new TopicProducer<>(Topics.INBOX_NOTIFIED, kafka, tracing);
  }
}
