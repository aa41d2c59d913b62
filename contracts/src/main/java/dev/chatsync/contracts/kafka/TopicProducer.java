package dev.chatsync.contracts.kafka;

import dev.chatsync.contracts.Topic;
import dev.chatsync.contracts.WireRecord;
import java.util.concurrent.CompletableFuture;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends the records of one topic, keyed as the topic says: a send site names the record, never
 * the topic's name or key. Completes once the broker has the record (acks=all in every service).
 */
public final class TopicProducer<T extends WireRecord> {

  private final Topic<T> topic;
  private final KafkaTemplate<String, byte[]> kafka;

  public TopicProducer(Topic<T> topic, KafkaTemplate<String, byte[]> kafka) {
    this.topic = topic;
    this.kafka = kafka;
  }

  /** Note: {@code send} may block up to the producer's {@code max.block.ms} while the broker is away. */
  public CompletableFuture<?> send(T record) {
    return kafka.send(topic.name(), topic.keyOf(record), topic.encode(record));
  }
}
