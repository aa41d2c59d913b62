package dev.chatsync.fanout.receipt;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.ReadMoved;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.DeadLetters;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.fanout.FanoutProperties;
import dev.chatsync.fanout.expand.MemberDirectory;
import dev.chatsync.fanout.expand.Timeline;
import dev.chatsync.fanout.expand.TimelineMessage;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * Turns a moved read position into a read entry for the reader's devices and receipts for the
 * senders of the newly read messages.
 */
@Component
class ReadListener {

  private static final Logger log = LoggerFactory.getLogger(ReadListener.class);

  /**
   * The newest messages of a read range whose senders get receipts (P7): reading a backlog of
   * 100,000 messages looks at the last 1,000. The receipts endpoint stays exact for all of them.
   */
  static final int MAX_SCANNED = 1_000;
  private static final int PAGE = 500;
  /** How often receipts that waited out their interval are looked for. */
  private static final long FLUSH_MILLIS = 100;

  private final Timeline timeline;
  private final MemberDirectory members;
  private final TopicProducer<InboxAppend> inboxAppends;
  private final DeadLetters deadLetters;
  private final ReceiptCoalescer receipts;
  private final Clock clock = Clock.systemUTC();
  private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "receipt-flush");
    thread.setDaemon(true);
    return thread;
  });

  ReadListener(Timeline timeline, MemberDirectory members, TopicProducer<InboxAppend> inboxAppends, DeadLetters deadLetters,
      FanoutProperties properties) {
    this.timeline = timeline;
    this.members = members;
    this.inboxAppends = inboxAppends;
    this.deadLetters = deadLetters;
    this.receipts = new ReceiptCoalescer(properties.receiptInterval().toMillis(), this::send);
  }

  @KafkaListener(id = "fanout-reads", topics = Topics.READS)
  void onRead(ConsumerRecord<String, byte[]> record, Acknowledgment ack) {
    deadLetters.decode(Topics.READ_MOVED, record).ifPresent(read -> onRead(read, record.offset()));
    ack.acknowledge();
  }

  private void onRead(ReadMoved read, long offset) {
    // Read entries are core data: the send completes before the offset is committed (P1). Stage 2
    // skips one it has (a redelivered or repeated read, P2).
    InboxAppend entry = InboxAppend.read(read.readerId(), read.conversationId(), read.upTo(), read.atMillis());
    inboxAppends.send(entry).join();
    long now = clock.millis();
    // The record's offset orders the conversation's reads (one partition per conversation).
    long order = offset + 1;
    for (String sender : senders(read)) {
      receipts.offer(sender, read.conversationId(), read.readerId(), read.upTo(), order, now);
    }
  }

  /**
   * Receipts waiting out their interval are sent from a thread of their own: on Spring's shared
   * scheduler they would wait behind any other job, such as a republisher sweep on a slow store.
   */
  @PostConstruct
  void startFlushing() {
    flusher.scheduleWithFixedDelay(() -> {
      try {
        receipts.flushDue(clock.millis());
      } catch (RuntimeException failed) {
        log.warn("flushing receipts failed: {}", failed.toString());
      }
    }, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stopFlushing() {
    flusher.shutdownNow();
  }

  /** The senders of the messages the read covered who are still members (P6), the reader excepted. */
  private Set<String> senders(ReadMoved read) {
    Set<String> senders = new LinkedHashSet<>();
    if (read.fromSeq() >= read.upTo()) {
      return senders;
    }
    long after = Math.max(read.fromSeq(), read.upTo() - MAX_SCANNED);
    while (after < read.upTo()) {
      List<TimelineMessage> page = timeline.after(read.conversationId(), after, read.upTo(), PAGE);
      if (page.isEmpty()) {
        break;
      }
      page.stream().map(TimelineMessage::senderId).filter(sender -> !sender.equals(read.readerId())).forEach(senders::add);
      after = page.get(page.size() - 1).seq();
    }
    if (senders.isEmpty()) {
      return senders;
    }
    Set<String> current = members.members(read.conversationId()).stream()
        .filter(member -> member.leftSeq() == null)
        .map(MemberDirectory.Recipient::userId)
        .collect(Collectors.toSet());
    senders.retainAll(current);
    return senders;
  }

  private void send(InboxAppend receipt) {
    inboxAppends.send(receipt).whenComplete((sent, failed) -> {
      if (failed != null) {
        log.atWarn().addKeyValue("userId", receipt.userId()).addKeyValue("conversationId", receipt.conversationId())
            .log("A receipt for {} in {} was lost: {}", receipt.userId(), receipt.conversationId(), failed.toString());
      }
    });
  }
}
