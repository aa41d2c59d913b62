package dev.chatsync.contracts.kafka;

import dev.chatsync.contracts.Topic;
import dev.chatsync.contracts.WireRecord;
import dev.chatsync.contracts.tracing.RecordTracing;
import io.micrometer.tracing.TraceContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends the records of one topic, keyed as the topic says: a send site names the record, never
 * the topic's name or key. Completes once the broker has the record (acks=all in every service).
 * Each record carries the trace of the work that sent it, in its headers.
 */
public final class TopicProducer<T extends WireRecord> {

  private final Topic<T> topic;
  private final KafkaTemplate<String, byte[]> kafka;
  private final RecordTracing tracing;

  public TopicProducer(Topic<T> topic, KafkaTemplate<String, byte[]> kafka, RecordTracing tracing) {
    this.topic = topic;
    this.kafka = kafka;
    this.tracing = tracing;
  }

  /** A producer whose records carry no trace (tests and tools). */
  public TopicProducer(Topic<T> topic, KafkaTemplate<String, byte[]> kafka) {
    this(topic, kafka, RecordTracing.NONE);
  }

  /**
   * Sends in the trace of the span in scope on this thread, if any.
   * Note: {@code send} may block up to the producer's {@code max.block.ms} while the broker is away.
   */
  public CompletableFuture<?> send(T record) {
    return send(record, tracing.current());
  }

  /** Sends in the given trace (null: none), for work that finishes off the thread its span is in scope on. */
  public CompletableFuture<?> send(T record, TraceContext trace) {
    ProducerRecord<String, byte[]> produced = new ProducerRecord<>(topic.name(), topic.keyOf(record), topic.encode(record));
    tracing.inject(trace, produced.headers());
    return kafka.send(produced);
  }
}
