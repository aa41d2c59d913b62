package dev.chatsync.contracts.kafka;

import dev.chatsync.contracts.PoisonRecordException;
import dev.chatsync.contracts.Topic;
import dev.chatsync.contracts.WireRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Where a consumer puts the records it can never handle, so that one bad record never stalls its
 * partition: decoding happens here, and a record that is not the topic's JSON or breaks the
 * contract goes to the topic's dead-letter topic ({@code <topic>.dlt}) with its original key and
 * bytes and the reason in headers, is counted ({@code chat.kafka.dead.letters}, by topic and
 * reason) and logged once; the caller goes on with the rest. Only poison goes there: a failure to
 * store or to reach the broker is thrown and retried until it succeeds (P1).
 *
 * <p>The dead-letter send completes before the caller returns, so a committed offset means the
 * record is in the dead-letter topic. A poll retried after a transient failure dead-letters its
 * poison again only if this instance did not do it already.
 */
public final class DeadLetters {

  public static final String REASON = "chat-dlt-reason";
  public static final String DETAIL = "chat-dlt-detail";
  public static final String ORIGIN = "chat-dlt-origin";

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
  private static final int REMEMBERED = 10_000;

  private final KafkaTemplate<String, byte[]> kafka;
  private final MeterRegistry meters;
  private final Set<String> sent = ConcurrentHashMap.newKeySet();

  public DeadLetters(KafkaTemplate<String, byte[]> kafka, MeterRegistry meters) {
    this.kafka = kafka;
    this.meters = meters;
  }

  /** The poll's records that decode and keep the contract, in poll order; the others are dead-lettered. */
  public <T extends WireRecord> List<Received<T>> decode(Topic<T> topic, List<ConsumerRecord<String, byte[]>> records) {
    List<Received<T>> valid = new ArrayList<>(records.size());
    for (ConsumerRecord<String, byte[]> record : records) {
      decode(topic, record).ifPresent(value -> valid.add(new Received<>(value, record)));
    }
    return valid;
  }

  /** The record's value, or empty if it was poison (and is now in the dead-letter topic). */
  public <T extends WireRecord> Optional<T> decode(Topic<T> topic, ConsumerRecord<String, byte[]> record) {
    try {
      return Optional.of(topic.decode(record.value()));
    } catch (PoisonRecordException poison) {
      deadLetter(topic, record, poison);
      return Optional.empty();
    }
  }

  /**
   * A record that decoded but that the consumer found it can never handle (say, it names what
   * does not exist): to the dead-letter topic like any poison, with {@code reason} "contract".
   */
  public void reject(Topic<?> topic, ConsumerRecord<String, byte[]> record, String detail) {
    deadLetter(topic, record, new PoisonRecordException("contract", detail));
  }

  private void deadLetter(Topic<?> topic, ConsumerRecord<String, byte[]> record, PoisonRecordException poison) {
    String origin = record.topic() + "/" + record.partition() + "/" + record.offset();
    if (sent.contains(origin)) {
      return;
    }
    RecordHeaders headers = new RecordHeaders();
    headers.add(REASON, bytes(poison.reason()));
    headers.add(DETAIL, bytes(poison.getMessage()));
    headers.add(ORIGIN, bytes(origin + "@" + Instant.ofEpochMilli(record.timestamp())));
    // Partition left to the producer (by key): the dead-letter topic need not have the original's count.
    kafka.send(new ProducerRecord<>(topic.deadLetterName(), null, record.key(), record.value(), headers)).join();
    if (sent.size() >= REMEMBERED) {
      sent.clear();
    }
    sent.add(origin);
    Counter.builder("chat.kafka.dead.letters")
        .description("Records that could never be handled, sent to <topic>.dlt")
        .tag("topic", topic.name())
        .tag("reason", poison.reason())
        .register(meters)
        .increment();
    log.atWarn().addKeyValue("topic", topic.name()).addKeyValue("key", record.key()).addKeyValue("reason", poison.reason())
        .log("dead-lettered " + origin + " to " + topic.deadLetterName() + " (" + poison.reason() + "): " + poison.getMessage());
  }

  private static byte[] bytes(String text) {
    return String.valueOf(text).getBytes(StandardCharsets.UTF_8);
  }
}
