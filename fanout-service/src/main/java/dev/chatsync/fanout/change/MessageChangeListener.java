package dev.chatsync.fanout.change;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.MessageChanged;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.DeadLetters;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.contracts.tracing.RecordTracing;
import dev.chatsync.fanout.expand.FanoutProgress;
import dev.chatsync.fanout.expand.MemberDirectory;
import io.micrometer.tracing.Span;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * Turns an edit or recall into one message-updated entry for every current member who received
 * the message. Writes nothing to Cassandra, so a consumer that stalls and wakes up after its
 * partition moved can only send records again, which stage 2 skips (P2).
 */
@Component
class MessageChangeListener {

  private final FanoutProgress progress;
  private final MemberDirectory members;
  private final TopicProducer<InboxAppend> inboxAppends;
  private final DeadLetters deadLetters;
  private final RecordTracing tracing;

  MessageChangeListener(FanoutProgress progress, MemberDirectory members, TopicProducer<InboxAppend> inboxAppends,
      DeadLetters deadLetters, RecordTracing tracing) {
    this.progress = progress;
    this.members = members;
    this.inboxAppends = inboxAppends;
    this.deadLetters = deadLetters;
    this.tracing = tracing;
  }

  @KafkaListener(id = "fanout-changes", topics = Topics.MESSAGE_CHANGES)
  void onChange(ConsumerRecord<String, byte[]> record, Acknowledgment ack) {
    deadLetters.decode(Topics.MESSAGE_CHANGED, record).ifPresent(change -> {
      Span span = tracing.start("fanout change", record.headers())
          .tag("conversationId", change.conversationId()).tag("seq", change.seq()).tag("change", change.change());
      try {
        handOver(change, span);
      } catch (RuntimeException failure) {
        span.error(failure);
        throw failure;
      } finally {
        span.end();
      }
    });
    ack.acknowledge();
  }

  /**
   * Only once stage 1 has handed the message itself to stage 2: its records are then on the
   * broker (stage 1 moves its progress after they are), so each member's update lands after the
   * member's message entry in the member's partition (P3). Until then the record is retried (the
   * error handler's backoff): the message's own announcement, or the republisher's, comes.
   */
  private void handOver(MessageChanged change, Span span) {
    long fanned = progress.fanned(change.conversationId());
    if (fanned < change.seq()) {
      throw new NotFannedYet(change, fanned);
    }
    List<CompletableFuture<?>> sends = members.members(change.conversationId()).stream()
        // P6: a member removed since gets nothing more of the conversation, its changes included.
        .filter(member -> member.leftSeq() == null && member.receives(change.seq()))
        .<CompletableFuture<?>>map(member -> inboxAppends.send(InboxAppend.messageUpdated(member.userId(), change), span.context()))
        .toList();
    // Core data: every record is on the broker before the offset is committed (P1).
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
  }

  /** The change of a message stage 1 has not expanded yet: transient, retried. */
  static final class NotFannedYet extends RuntimeException {
    NotFannedYet(MessageChanged change, long fanned) {
      super("the change of " + change.conversationId() + "/" + change.seq() + " waits for stage 1, which has expanded up to "
          + fanned);
    }
  }
}
