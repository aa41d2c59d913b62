package dev.chatsync.fanout;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.contracts.tracing.RecordTracing;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** The topics the fanout writes: each producer keys its records as its topic says. */
@Configuration(proxyBeanMethods = false)
class KafkaTopics {

  @Bean
  TopicProducer<InboxAppend> inboxAppends(KafkaTemplate<String, byte[]> kafka, RecordTracing tracing) {
    return new TopicProducer<>(Topics.INBOX_APPEND, kafka, tracing);
  }

  @Bean
  TopicProducer<InboxNotify> inboxNotifications(KafkaTemplate<String, byte[]> kafka, RecordTracing tracing) {
    return new TopicProducer<>(Topics.INBOX_NOTIFIED, kafka, tracing);
  }

  /** The republisher announces stranded messages again. */
  @Bean
  TopicProducer<MessageAppended> messageEvents(KafkaTemplate<String, byte[]> kafka, RecordTracing tracing) {
    return new TopicProducer<>(Topics.MESSAGE_APPENDED, kafka, tracing);
  }
}
