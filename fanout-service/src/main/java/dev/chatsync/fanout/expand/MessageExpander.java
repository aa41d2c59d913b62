package dev.chatsync.fanout.expand;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.Memo;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.DeadLetters;
import dev.chatsync.contracts.kafka.Received;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.contracts.tracing.RecordTracing;
import dev.chatsync.fanout.FanoutProperties;
import dev.chatsync.fanout.StageLag;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * Stage 1: expands a conversation's storage timeline, in seq order, into one record per member
 * and message, keyed by member, so that each user's entries reach the one stage-2 consumer that
 * writes that user's inbox.
 *
 * <p>It expands the timeline's committed prefix in seq order, not the events in arrival order:
 * with several message-service instances, 101 may be published before 100, and stage 2 must see a
 * conversation in seq order (P2, P3). Messages right after the progress come from the poll's
 * events when they announce them (an event carries the stored row's fields), the rest from the
 * timeline. An event at or below the conversation's progress was expanded already (a redelivery,
 * a replay, or an event that came after a later one) and is skipped. Progress moves only after
 * the broker has every record of a page, so a crash re-expands at most one page of each
 * conversation of a poll (stage 2 absorbs it); it is written stamped with itself, so an expander
 * that stalled while another took the conversation over moves nothing back (P1).
 *
 * <p>A poll's work is bounded ({@code chat.fanout.expand-poll-budget}, P7): one event may announce
 * a backlog of thousands of messages for a group of a thousand, millions of records. Past the
 * budget the poll announces each unfinished conversation again (one event at the end of its
 * partition, durable before the poll's offsets are committed, P1) and returns: a later poll goes on
 * from the progress, and the consumer keeps polling well within max.poll.interval.ms. Announcing
 * again, unlike seeking back, works the same whether the poll is a first delivery or a retry after
 * a failure.
 */
@Component
class MessageExpander implements ConsumerSeekAware {

  static final int PAGE = 500;
  /**
   * Records a round sends before it waits for the broker: a round always sends at least one
   * message, so only a group larger than this makes a round larger.
   */
  static final int ROUND_RECORDS = 10_000;
  /**
   * How many conversations of a poll have their progress, page and members read, and their
   * progress moved, at the same time. One at a time, a poll of pairs (one message each of hundreds
   * of conversations) waited for hundreds of store round trips in a row, a compare-and-set among
   * them: the fanout delivered about 50 pair entries a second on two cores.
   */
  static final int CONVERSATIONS_AT_ONCE = 16;

  private final Timeline timeline;
  private final FanoutProgress progress;
  private final MemberDirectory members;
  private final TopicProducer<InboxAppend> inboxAppends;
  private final TopicProducer<MessageAppended> events;
  private final DeadLetters deadLetters;
  private final Duration pollBudget;
  private final Counter revoked;
  private final Clock clock = Clock.systemUTC();
  /**
   * Each conversation's progress as this instance last read or wrote it, so that a poll need not
   * read it. Forgotten at every rebalance: a conversation that comes back may have been moved on
   * by another instance meanwhile. A stale value costs expansion done again (stage 2 skips it),
   * never a progress moved back: the store keeps the furthest write.
   */
  private final Memo<String, FanoutProgress.Position> fannedSoFar = new Memo<>(100_000);
  private final ExecutorService storeCalls = Executors.newFixedThreadPool(CONVERSATIONS_AT_ONCE, task -> {
    Thread thread = new Thread(task, "fanout-expand-store");
    thread.setDaemon(true);
    return thread;
  });

  private final StageLag lag;
  private final RecordTracing tracing;
  private final ReadFanout readFanout;

  MessageExpander(Timeline timeline, FanoutProgress progress, MemberDirectory members, TopicProducer<InboxAppend> inboxAppends,
      TopicProducer<MessageAppended> events, DeadLetters deadLetters, FanoutProperties properties, MeterRegistry meters,
      RecordTracing tracing, ReadFanout readFanout) {
    this.readFanout = readFanout;
    this.tracing = tracing;
    this.lag = new StageLag("expand", meters, Clock.systemUTC());
    this.timeline = timeline;
    this.progress = progress;
    this.members = members;
    this.inboxAppends = inboxAppends;
    this.events = events;
    this.deadLetters = deadLetters;
    this.pollBudget = properties.expandPollBudget();
    this.revoked = Counter.builder("chat.fanout.partitions.revoked").tag("stage", "expand")
        .description("Times stage 1 lost its partitions: rebalances, including those of a poll that took too long")
        .register(meters);
  }

  /**
   * A conversation the poll announced: its announced messages, the records that announced them,
   * and the span of each announcing record (its message's trace).
   */
  private record Announced(NavigableMap<Long, TimelineMessage> messages, List<ConsumerRecord<String, byte[]>> records,
      NavigableMap<Long, Span> spans) {

    long newest() {
      return messages.lastKey();
    }

    /**
     * The trace a message's records go in: its own event's, else (a message read from the
     * timeline, announced by a later event only) that of the newest event, which caused the read.
     */
    Span spanOf(long seq) {
      Span own = spans.get(seq);
      return own != null ? own : spans.lastEntry().getValue();
    }
  }

  /**
   * The events of a poll together: an event only says "the timeline holds every seq up to here",
   * so per conversation the newest one says all the others say, and the conversation is expanded
   * once, up to it.
   */
  @KafkaListener(id = "fanout-expand", topics = Topics.MESSAGES, batch = "true")
  void expand(List<ConsumerRecord<String, byte[]>> records, Acknowledgment ack) {
    Instant deadline = clock.instant().plus(pollBudget);
    Map<String, Announced> announced = new LinkedHashMap<>();
    List<Received<MessageAppended>> events = deadLetters.decode(Topics.MESSAGE_APPENDED, records);
    List<Span> spans = new ArrayList<>(events.size());
    try {
      for (Received<MessageAppended> received : events) {
        MessageAppended event = received.value();
        Announced conversation = announced.computeIfAbsent(event.conversationId(),
            id -> new Announced(new TreeMap<>(), new ArrayList<>(), new TreeMap<>()));
        conversation.records().add(received.record());
        conversation.messages().put(event.seq(), new TimelineMessage(event.conversationId(), event.seq(), event.messageId(),
            event.senderId(), Instant.ofEpochMilli(event.sentAtMillis())));
        Span span = tracing.start("fanout expand", received.record().headers())
            .tag("conversationId", event.conversationId()).tag("seq", event.seq());
        spans.add(span);
        conversation.spans().put(event.seq(), span);
      }
      expandAnnounced(announced, deadline);
    } catch (RuntimeException failure) {
      spans.forEach(span -> span.error(failure));
      throw failure;
    } finally {
      spans.forEach(Span::end);
    }
    ack.acknowledge();
    lag.finished(records);
  }

  private void expandAnnounced(Map<String, Announced> announced, Instant deadline) {
    Map<String, FanoutProgress.Position> fannedNow = eachAtOnce(announced.keySet(), this::fanned);
    Map<String, FanoutProgress.Position> behind = new LinkedHashMap<>();
    for (var conversation : announced.entrySet()) {
      FanoutProgress.Position fanned = fannedNow.get(conversation.getKey());
      if (fanned.seq() < conversation.getValue().newest()) {
        behind.put(conversation.getKey(), fanned);
      }
    }
    while (!behind.isEmpty()) {
      if (clock.instant().isAfter(deadline)) {
        announceAgain(behind.keySet(), announced);
        break;
      }
      behind = expandOnePage(behind, announced);
    }
  }

  /** The rest of these conversations goes to a later poll: their newest announced message, announced again. */
  private void announceAgain(Collection<String> conversations, Map<String, Announced> announced) {
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (String conversationId : conversations) {
      TimelineMessage newest = announced.get(conversationId).messages().lastEntry().getValue();
      sends.add(events.send(new MessageAppended(conversationId, newest.seq(), newest.messageId(), newest.senderId(),
          newest.sentAt().toEpochMilli()), announced.get(conversationId).spanOf(newest.seq()).context()));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
  }

  /**
   * A page of each conversation still behind, their records all sent before the broker is waited
   * for once (not once a conversation: with pairs, a poll is mostly one message each of many
   * conversations). Progress moves only after the broker has every record of the round (P1); a
   * failure before that re-expands the round's pages, which stage 2 absorbs (P2).
   *
   * @return the conversations still behind what their events announced, and where they are
   */
  private Map<String, FanoutProgress.Position> expandOnePage(Map<String, FanoutProgress.Position> behind,
      Map<String, Announced> announced) {
    List<CompletableFuture<?>> sends = new ArrayList<>();
    Map<String, Long> reached = new LinkedHashMap<>();
    Map<String, FanoutProgress.Position> stillBehind = new LinkedHashMap<>();
    Map<String, Long> unannounced = new LinkedHashMap<>();
    // Each conversation's page, then its members (read after the page: every message of the page was
    // appended before this read, so a member added or removed before a message was appended is seen
    // here as such; see MemberService in message-service), all conversations at once.
    Map<String, Loaded> loaded = eachAtOnce(behind.keySet(), conversationId -> {
      Announced conversation = announced.get(conversationId);
      FanoutProgress.Position fanned = behind.get(conversationId);
      if (readFanout.applies(conversationId)) {
        return loadRead(conversationId, conversation, fanned);
      }
      List<TimelineMessage> page = announcedRightAfter(conversation.messages(), fanned.seq());
      if (page.isEmpty()) {
        page = timeline.after(conversationId, fanned.seq(), conversation.newest(), PAGE);
      }
      return new Loaded(page, page.isEmpty() ? List.of() : members.members(conversationId), false, null, fanned.seq());
    });
    Map<String, ReadFanout.Audience> told = new LinkedHashMap<>();
    Map<String, TimelineMessage> published = new LinkedHashMap<>();
    behind.forEach((conversationId, fanned) -> {
      // A round holds a bounded number of records (P7), however many conversations a poll names;
      // the first conversation always goes, so every round makes progress.
      if (sends.size() >= ROUND_RECORDS) {
        stillBehind.put(conversationId, fanned);
        return;
      }
      Loaded load = loaded.get(conversationId);
      if (load.read()) {
        handOverRead(conversationId, fanned, load, announced.get(conversationId),
            new ReadRound(sends, reached, told, published, stillBehind, unannounced));
        return;
      }
      List<TimelineMessage> page = load.page();
      if (page.isEmpty()) {
        // An event announces a seq the timeline does not hold (a forged event, or a timeline
        // restored from an older backup): events are published after their append is committed
        // and read back at quorum, so no retry will find it, and retrying would stall the partition.
        unannounced.put(conversationId, fanned.seq());
        return;
      }
      List<MemberDirectory.Recipient> recipients = load.recipients();
      // A page of a big group is many records: only as many messages as fit in a round go (at least one).
      List<TimelineMessage> handed = page.subList(0, Math.max(1, Math.min(page.size(),
          (ROUND_RECORDS - sends.size()) / Math.max(1, recipients.size()))));
      sends.addAll(handOver(handed, recipients, announced.get(conversationId)));
      reached.put(conversationId, handed.get(handed.size() - 1).seq());
    });
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    unannounced.forEach((conversationId, fanned) -> announced.get(conversationId).records().forEach(record -> deadLetters.reject(
        Topics.MESSAGE_APPENDED, record, "the timeline of " + conversationId + " has no seq " + (fanned + 1))));
    // After the broker has the round's records (P1). If someone else moved the progress further
    // meanwhile, theirs stands; this round's records were sent and stage 2 absorbs repeats (P2).
    // Each a store write (the seq published live, for the republisher): at once, as the other per-conversation steps.
    eachAtOnce(published.keySet(), conversationId -> {
      readFanout.published(published.get(conversationId));
      return true;
    });
    // Watchers come off only once their entries are on the broker: a crash before tells them again (P1).
    eachAtOnce(told.keySet(), conversationId -> {
      readFanout.told(conversationId, told.get(conversationId), published.get(conversationId).seq());
      return true;
    });
    Map<String, FanoutProgress.Position> advanced = eachAtOnce(reached.keySet(),
        conversationId -> progress.advance(conversationId, behind.get(conversationId), reached.get(conversationId),
            told.containsKey(conversationId)));
    reached.forEach((conversationId, seq) -> {
      FanoutProgress.Position now = advanced.get(conversationId);
      fannedSoFar.remember(conversationId, now, (old, stored) -> stored);
      if (now.seq() < announced.get(conversationId).newest()) {
        stillBehind.put(conversationId, now);
      }
    });
    return stillBehind;
  }

  /**
   * A conversation's page and the members it goes to; for a read-fanout group ({@code read}), the
   * page still to publish live and, if its interval has ended, who to tell.
   */
  private record Loaded(List<TimelineMessage> page, List<MemberDirectory.Recipient> recipients, boolean read,
      ReadFanout.Audience audience, long from) {}

  private Loaded loadRead(String conversationId, Announced conversation, FanoutProgress.Position fanned) {
    long from = readFanout.liveFrom(conversationId, fanned.seq());
    List<TimelineMessage> page = List.of();
    if (from < conversation.newest()) {
      page = announcedRightAfter(conversation.messages(), from);
      if (page.isEmpty()) {
        page = timeline.after(conversationId, from, conversation.newest(), PAGE);
      }
    }
    ReadFanout.Audience audience = readFanout.due(conversationId) ? readFanout.audience(conversationId, fanned) : null;
    return new Loaded(page, List.of(), true, audience, from);
  }

  /**
   * A read-fanout group's round: the page published for live pushes, and, if the interval has
   * ended, the head told; else a reminder brings the conversation back when it ends. The progress
   * moves only when the head is told, so what was published and not yet told is told by the
   * reminder, or by the republisher after a crash (P1).
   */
  private void handOverRead(String conversationId, FanoutProgress.Position fanned, Loaded load, Announced conversation,
      ReadRound round) {
    List<TimelineMessage> page = load.page();
    TimelineMessage newest = page.isEmpty() ? readFanout.publishedAfter(conversationId, fanned.seq()) : page.get(page.size() - 1);
    if (page.isEmpty() && load.from() < conversation.newest()) {
      // The timeline has no seq after what was published (see the write-fanout case): dead-lettered,
      // not read again and again; what was published and not told is told when the reminder comes.
      round.unannounced().put(conversationId, load.from());
      if (newest != null) {
        readFanout.remind(newest);
      }
      return;
    }
    if (newest == null) {
      return; // nothing past the progress: the conversation was not behind
    }
    TraceContext trace = conversation.spanOf(conversation.newest()).context();
    round.sends().addAll(readFanout.publish(page, trace));
    round.published().put(conversationId, newest);
    if (load.audience() != null) {
      // A round that tells everyone tells the newest message announced, not the page's last: after a
      // rewind the heads told restart lower than those told before it, and the watcher rows of
      // members served those would hide under the old rounds' deletes (WatchStamps) until the
      // heads passed them again. The messages between are in the history the entry sends them to.
      TimelineMessage head = load.audience().everyone() && conversation.newest() > newest.seq()
          ? conversation.messages().lastEntry().getValue() : newest;
      round.sends().addAll(readFanout.tell(load.audience(), head, trace));
      round.told().put(conversationId, load.audience());
      round.published().put(conversationId, head);
      round.reached().put(conversationId, head.seq());
      return;
    }
    readFanout.remind(newest);
    if (newest.seq() < conversation.newest()) {
      round.stillBehind().put(conversationId, fanned);
    }
  }

  /** What a round of read-fanout groups adds to: its records, and what to record once the broker has them. */
  private record ReadRound(List<CompletableFuture<?>> sends, Map<String, Long> reached, Map<String, ReadFanout.Audience> told,
      Map<String, TimelineMessage> published, Map<String, FanoutProgress.Position> stillBehind, Map<String, Long> unannounced) {}

  /**
   * {@code work} for every key, up to {@link #CONVERSATIONS_AT_ONCE} at a time (each a blocking store
   * call or two), in the keys' order; the first failure is thrown as the work threw it.
   */
  private <V> Map<String, V> eachAtOnce(Collection<String> keys, Function<String, V> work) {
    Map<String, CompletableFuture<V>> running = new LinkedHashMap<>();
    keys.forEach(key -> running.put(key, CompletableFuture.supplyAsync(() -> work.apply(key), storeCalls)));
    Map<String, V> done = new LinkedHashMap<>();
    for (var entry : running.entrySet()) {
      try {
        done.put(entry.getKey(), entry.getValue().join());
      } catch (CompletionException failure) {
        if (failure.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        throw failure;
      }
    }
    return done;
  }

  @PreDestroy
  void stopStoreCalls() {
    storeCalls.shutdown();
  }

  private FanoutProgress.Position fanned(String conversationId) {
    FanoutProgress.Position known = fannedSoFar.get(conversationId);
    if (known != null) {
      return known;
    }
    FanoutProgress.Position stored = progress.at(conversationId);
    fannedSoFar.remember(conversationId, stored, (old, read) -> read);
    return stored;
  }

  @Override
  public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
    fannedSoFar.clear();
    readFanout.forget();
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    fannedSoFar.clear();
    readFanout.forget();
    if (!partitions.isEmpty()) {
      revoked.increment();
    }
  }

  /**
   * The announced messages from {@code fanned + 1} on, up to the first seq no event of the poll
   * announced. An event is published after its append with the stored row's values, so these are
   * the timeline's rows (P3): with one event per send, the usual case, the timeline is not read.
   * A gap (events out of order across polls, a lost publish) is read from the timeline.
   */
  private static List<TimelineMessage> announcedRightAfter(NavigableMap<Long, TimelineMessage> announced, long fanned) {
    List<TimelineMessage> run = new ArrayList<>();
    for (long seq = fanned + 1; run.size() < PAGE; seq++) {
      TimelineMessage message = announced.get(seq);
      if (message == null) {
        break;
      }
      run.add(message);
    }
    return run;
  }

  private List<CompletableFuture<?>> handOver(List<TimelineMessage> page, List<MemberDirectory.Recipient> recipients,
      Announced announced) {
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (TimelineMessage message : page) {
      TraceContext trace = announced.spanOf(message.seq()).context();
      for (MemberDirectory.Recipient member : recipients) {
        if (member.receives(message.seq())) {
          sends.add(inboxAppends.send(InboxAppend.message(member.userId(), message.conversationId(), message.seq(),
              message.messageId(), message.senderId(), message.sentAt().toEpochMilli()), trace));
        }
      }
    }
    return sends;
  }
}
