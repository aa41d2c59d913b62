package dev.chatsync.message;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.MessageChanged;
import dev.chatsync.contracts.ReadMoved;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.contracts.tracing.RecordTracing;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** The topics message-service writes: each producer keys its records as its topic says. */
@Configuration(proxyBeanMethods = false)
class KafkaTopics {

  @Bean
  TopicProducer<MessageAppended> messageEvents(KafkaTemplate<String, byte[]> kafka, RecordTracing tracing) {
    return new TopicProducer<>(Topics.MESSAGE_APPENDED, kafka, tracing);
  }

  @Bean
  TopicProducer<ReadMoved> readEvents(KafkaTemplate<String, byte[]> kafka, RecordTracing tracing) {
    return new TopicProducer<>(Topics.READ_MOVED, kafka, tracing);
  }

  @Bean
  TopicProducer<MessageChanged> messageChanges(KafkaTemplate<String, byte[]> kafka, RecordTracing tracing) {
    return new TopicProducer<>(Topics.MESSAGE_CHANGED, kafka, tracing);
  }

  /** Signals (typing) for the recipients' open streams. */
  @Bean
  TopicProducer<InboxNotify> notifications(KafkaTemplate<String, byte[]> kafka, RecordTracing tracing) {
    return new TopicProducer<>(Topics.INBOX_NOTIFIED, kafka, tracing);
  }

  @Bean
  TopicProducer<InboxAppend> inboxAppends(KafkaTemplate<String, byte[]> kafka, RecordTracing tracing) {
    return new TopicProducer<>(Topics.INBOX_APPEND, kafka, tracing);
  }
}
