package dev.chatsync.fanout.inbox;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.Memo;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.DeadLetters;
import dev.chatsync.contracts.kafka.Received;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.contracts.tracing.RecordTracing;
import dev.chatsync.fanout.StageLag;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * Stage 2: the single writer of each user's inbox (the records of one user share a partition, and
 * a partition has one consumer; a consumer that lost the partition while it stalled writes only
 * what its successor writes too, see the store). Takes the records of a poll together: each
 * user's entries are written with one state write and one batch, the users of a poll at the same
 * time, and each user whose inbox moved gets one notification. The offsets are committed after all of it; a redelivered
 * poll finds its entries applied and skips them (P2).
 */
@Component
class InboxWriter implements ConsumerSeekAware {

  private static final Logger log = LoggerFactory.getLogger(InboxWriter.class);

  private final InboxStore inboxes;
  private final TopicProducer<InboxNotify> notifications;
  private final DeadLetters deadLetters;
  /**
   * Per consumer thread and partition of {@code chat.inbox-appends}, the inbox states the thread
   * learned under its current assignment of the partition (saves a read before each write). The
   * three consumer threads of an instance share this writer, and a thread may still write records
   * of a partition another thread has now: a poll taken for dead while it ran, or a failed poll
   * retried in memory after a rebalance during its back-off. Kept per thread, what such a thread
   * learns never reaches the thread that has the partition (P1, P4); and the rebalance callbacks
   * run on the consumer's own thread.
   */
  private final ThreadLocal<Map<Integer, Memo<String, InboxState>>> known = ThreadLocal.withInitial(HashMap::new);
  private static final int KNOWN_PER_PARTITION = 10_000;

  private final StageLag lag;
  private final RecordTracing tracing;

  InboxWriter(InboxStore inboxes, TopicProducer<InboxNotify> notifications, DeadLetters deadLetters, MeterRegistry meters,
      RecordTracing tracing) {
    this.tracing = tracing;
    this.inboxes = inboxes;
    this.notifications = notifications;
    this.deadLetters = deadLetters;
    this.lag = new StageLag("inbox", meters, Clock.systemUTC());
  }

  @KafkaListener(id = "fanout-inbox", topics = Topics.INBOX_APPENDS, batch = "true")
  void write(List<ConsumerRecord<String, byte[]>> records, Acknowledgment ack) {
    Map<String, List<Arrival>> byUser = new LinkedHashMap<>();
    Map<String, Memo<String, InboxState>> memories = new LinkedHashMap<>();
    // Each record's span, in its message's trace; a user's notification goes in the trace of the
    // user's newest record of the poll.
    List<Traced> spans = new ArrayList<>();
    Map<String, Span> newestOf = new HashMap<>();
    try {
      for (Received<InboxAppend> received : deadLetters.decode(Topics.INBOX_APPEND, records)) {
        InboxAppend entry = received.value();
        String userId = entry.userId();
        byUser.computeIfAbsent(userId, user -> new ArrayList<>()).add(new Arrival(entry, received.offset()));
        // Taken now, under the assignment this poll came with: if the partition moves while the poll
        // runs, what the poll learns goes into a memory nobody reads again.
        memories.computeIfAbsent(userId, user -> knownOf(received.record().partition()));
        Span span = tracing.start("fanout inbox", received.record().headers()).tag("userId", userId)
            .tag("conversationId", entry.conversationId()).tag("kind", entry.kind());
        spans.add(new Traced(span, entry));
        newestOf.put(userId, span);
      }
      List<CompletableFuture<?>> users = new ArrayList<>(byUser.size());
      byUser.forEach((userId, entries) -> users.add(inboxes.append(userId, entries, memories.get(userId)).toCompletableFuture()
          .thenCompose(head -> head.isPresent()
              ? notifications.send(new InboxNotify(userId, head.getAsLong()), newestOf.get(userId).context())
              : CompletableFuture.completedFuture(null))));
      CompletableFuture.allOf(users.toArray(CompletableFuture[]::new)).join();
      spans.forEach(this::written);
    } catch (RuntimeException failure) {
      spans.forEach(traced -> traced.span().error(failure));
      throw failure;
    } finally {
      spans.forEach(traced -> traced.span().end());
    }
    ack.acknowledge();
    lag.finished(records);
  }

  private record Traced(Span span, InboxAppend entry) {}

  /** One line per entry at debug, in the entry's trace: where a message's trace shows it reached an inbox. */
  private void written(Traced traced) {
    if (log.isDebugEnabled()) {
      InboxAppend entry = traced.entry();
      try (Tracer.SpanInScope scope = tracing.inScope(traced.span())) {
        log.atDebug().addKeyValue("userId", entry.userId()).addKeyValue("conversationId", entry.conversationId())
            .log("inbox of {} holds {} {}/{}", entry.userId(), entry.kind(), entry.conversationId(), entry.conversationSeq());
      }
    }
  }

  private Memo<String, InboxState> knownOf(int partition) {
    return known.get().computeIfAbsent(partition, any -> new Memo<>(KNOWN_PER_PARTITION));
  }

  /** Each assignment of a partition starts with an empty memory of its inboxes. */
  @Override
  public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
    assignments.keySet().forEach(partition -> known.get().put(partition.partition(), new Memo<>(KNOWN_PER_PARTITION)));
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    partitions.forEach(partition -> known.get().remove(partition.partition()));
  }
}
