package dev.chatsync.fanout.expand;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.Memo;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.contracts.tracing.RecordTracing;
import dev.chatsync.fanout.FanoutProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.TraceContext;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Stage 1's side of read fanout, for groups above {@code chat.fanout.read-fanout-threshold}
 * members (docs/design.md, "Large groups"). Each message goes once to {@code chat.channel-messages},
 * where the sync-service instances holding members' streams push it live; members' inboxes get a
 * channel-activity entry carrying the head instead of an entry per message, at most one per
 * {@code chat.fanout.channel-activity-interval}, and only to the members to tell (the watchers:
 * see {@link ChannelWatchers}), so a send costs O(1) writes and the entries follow the devices in
 * use, not the group's size. A round that told many waits longer before the next one
 * ({@code chat.fanout.channel-activity-rate}): a group's entries cost the store a bounded rate
 * however many members watch it.
 *
 * <p>For such a group stage 1's progress is the head last told: messages after it are published
 * live as they come, and told at the end of the interval. A reminder (this conversation's newest
 * message announced again on {@code chat.messages}) brings the conversation back when the interval
 * ends; if this instance dies first, the republisher finds the progress behind the timeline and
 * announces it (P1). Telling the same head twice is skipped by stage 2 (P2).
 */
@Component
class ReadFanout {

  private static final Logger log = LoggerFactory.getLogger(ReadFanout.class);

  /**
   * Who a round may tell: current members and the head a device of theirs was served (-1: none
   * known, told whatever the head); and the watcher rows read, taken off once the entries are on
   * the broker.
   */
  record Audience(Map<String, Long> members, List<ChannelWatchers.Watcher> watchers, boolean everyone) {

    /** The members to tell {@code head}: a member served it (or a later one) already has it. */
    List<String> toTell(long head) {
      return members.entrySet().stream().filter(member -> member.getValue() < head).map(Map.Entry::getKey).toList();
    }
  }

  private record CountSeen(int count, Instant at) {}

  private final MemberDirectory members;
  private final ChannelWatchers watchers;
  private final FanoutProgress progress;
  private final Duration retellEveryone;
  private final TopicProducer<InboxAppend> inboxAppends;
  private final TopicProducer<MessageAppended> channelMessages;
  private final TopicProducer<MessageAppended> events;
  private final int threshold;
  private final Duration interval;
  private final int rate;
  private final Duration republishLookback;
  private final Duration countFresh;
  private final Clock clock;
  private final Counter told;
  private final Counter published;

  private final Memo<String, CountSeen> counts = new Memo<>(100_000);
  /** The newest message this instance published live per conversation: the next page starts after it. */
  private final Memo<String, TimelineMessage> live = new Memo<>(100_000);
  /** When each conversation may be told next. */
  private final Memo<String, Instant> nextRound = new Memo<>(100_000);
  private final Memo<String, Instant> toldEveryone = new Memo<>(100_000);
  private final Map<String, TimelineMessage> reminders = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "fanout-read-reminders");
    thread.setDaemon(true);
    return thread;
  });

  @Autowired
  ReadFanout(MemberDirectory members, ChannelWatchers watchers, FanoutProgress progress, TopicProducer<InboxAppend> inboxAppends,
      TopicProducer<MessageAppended> events, KafkaTemplate<String, byte[]> kafka, RecordTracing tracing,
      FanoutProperties properties, MeterRegistry meters) {
    // Its own producer: a second TopicProducer<MessageAppended> bean would make the announcers' ambiguous.
    this(members, watchers, progress, inboxAppends, new TopicProducer<>(Topics.CHANNEL_MESSAGE, kafka, tracing), events,
        properties, meters, Clock.systemUTC());
  }

  ReadFanout(MemberDirectory members, ChannelWatchers watchers, FanoutProgress progress, TopicProducer<InboxAppend> inboxAppends,
      TopicProducer<MessageAppended> channelMessages, TopicProducer<MessageAppended> events, FanoutProperties properties,
      MeterRegistry meters, Clock clock) {
    this.members = members;
    this.watchers = watchers;
    this.progress = progress;
    this.retellEveryone = properties.inboxTtl().dividedBy(2);
    this.inboxAppends = inboxAppends;
    this.channelMessages = channelMessages;
    this.events = events;
    this.threshold = properties.readFanoutThreshold();
    this.interval = properties.channelActivityInterval();
    if (properties.channelActivityRate() <= 0) {
      throw new IllegalArgumentException("chat.fanout.channel-activity-rate must be at least 1 entry a second, not "
          + properties.channelActivityRate());
    }
    this.rate = properties.channelActivityRate();
    this.republishLookback = properties.republishLookback();
    this.countFresh = properties.memberCountFresh();
    this.clock = clock;
    this.told = Counter.builder("chat.fanout.channel.told")
        .description("Channel-activity entries handed to stage 2 (read fanout)").register(meters);
    this.published = Counter.builder("chat.fanout.channel.published")
        .description("Messages of read-fanout groups published for live pushes").register(meters);
  }

  /**
   * Whether the conversation is delivered by read fanout now. Read from the member count at most
   * every few seconds: any point of the switch is as good as another, as long as the switch itself
   * tells everyone ({@link #audience}).
   */
  boolean applies(String conversationId) {
    Instant now = clock.instant();
    CountSeen seen = counts.get(conversationId);
    if (seen == null || !seen.at().plus(countFresh).isAfter(now)) {
      seen = new CountSeen(members.memberCount(conversationId), now);
      counts.remember(conversationId, seen, (old, read) -> read);
    }
    return seen.count() > threshold;
  }

  /** Where the next live page starts: after what was told, or after what this instance published since. */
  long liveFrom(String conversationId, long fanned) {
    TimelineMessage published = live.get(conversationId);
    return published == null ? fanned : Math.max(fanned, published.seq());
  }

  /** The newest message this instance published live, if it is past {@code fanned}. */
  TimelineMessage publishedAfter(String conversationId, long fanned) {
    TimelineMessage published = live.get(conversationId);
    return published != null && published.seq() > fanned ? published : null;
  }

  /** True if the conversation's pause since this instance last told it has ended. */
  boolean due(String conversationId) {
    Instant next = nextRound.get(conversationId);
    return next == null || !clock.instant().isBefore(next);
  }

  /**
   * Who to tell now. The members watching; and in the group's first round of read fanout (its first
   * message, or the switch from write fanout, whose members had an entry per message until then),
   * every current member: a member whose devices were served nothing of the group yet, or who
   * joined before watchers existed, learns of it too. That round costs an entry per member, once.
   */
  Audience audience(String conversationId, FanoutProgress.Position fanned) {
    List<ChannelWatchers.Watcher> watching = watchers.of(conversationId);
    Map<String, Long> told = new HashMap<>();
    if (!fanned.readFanout() || toldEveryoneLongAgo(conversationId)) {
      members.members(conversationId).stream().filter(member -> member.leftSeq() == null)
          .forEach(member -> told.put(member.userId(), -1L));
      return new Audience(told, watching, true);
    }
    Map<String, Long> served = new HashMap<>();
    watching.forEach(watcher -> served.put(watcher.userId(), watcher.servedHead()));
    // P6: a watcher removed since is told nothing; their row is taken off with the others.
    members.among(conversationId, served.keySet()).stream().filter(member -> member.leftSeq() == null)
        .forEach(member -> told.put(member.userId(), served.get(member.userId())));
    return new Audience(told, watching, false);
  }

  /**
   * Whether every member was last told longer ago than half the inbox's TTL: then a member whose
   * entry expired unseen (no device looked for that long) would never be told again, since only
   * being served an entry makes a member a watcher (P1). Telling everyone that often costs an entry
   * per member every few days, not per message.
   */
  private boolean toldEveryoneLongAgo(String conversationId) {
    Instant last = toldEveryone.get(conversationId);
    if (last == null) {
      last = progress.toldEveryoneAt(conversationId);
      if (last != null) {
        toldEveryone.remember(conversationId, last, (old, read) -> read);
      }
    }
    return last == null || clock.instant().isAfter(last.plus(retellEveryone));
  }

  /** The page, published for live pushes, in seq order (the topic's key is the conversation). */
  List<CompletableFuture<?>> publish(List<TimelineMessage> page, TraceContext trace) {
    List<CompletableFuture<?>> sends = new ArrayList<>(page.size());
    for (TimelineMessage message : page) {
      sends.add(channelMessages.send(new MessageAppended(message.conversationId(), message.seq(), message.messageId(),
          message.senderId(), message.sentAt().toEpochMilli()), trace));
    }
    published.increment(page.size());
    return sends;
  }

  /** One channel-activity entry per member told, carrying {@code head}. */
  List<CompletableFuture<?>> tell(Audience audience, TimelineMessage head, TraceContext trace) {
    List<String> toTell = audience.toTell(head.seq());
    List<CompletableFuture<?>> sends = new ArrayList<>(toTell.size());
    for (String userId : toTell) {
      sends.add(inboxAppends.send(InboxAppend.channelActivity(userId, head.conversationId(), head.seq(), head.senderId(),
          head.sentAt().toEpochMilli()), trace));
    }
    told.increment(toTell.size());
    return sends;
  }

  /** After the broker has a round's records: what was published and told. */
  void published(TimelineMessage newest) {
    progress.publishedLive(newest.conversationId(), newest.seq());
    live.remember(newest.conversationId(), newest, (old, now) -> now.seq() > old.seq() ? now : old);
  }

  void told(String conversationId, Audience audience, long head) {
    Instant now = clock.instant();
    Instant next = now.plus(pause(audience.toTell(head).size()));
    // Stored first: should the write fail, the round is retried at once, not a pause later. For the
    // republisher of any instance: the group is behind its timeline until then by design.
    progress.nextRound(conversationId, next);
    nextRound.remember(conversationId, next, (old, later) -> later);
    if (audience.everyone()) {
      progress.toldEveryone(conversationId, now);
      toldEveryone.remember(conversationId, now, (old, later) -> later);
    }
    if (!audience.watchers().isEmpty()) {
      watchers.told(conversationId, audience.watchers(), head);
    }
  }

  /**
   * The interval, or longer after a round that told more members than the rate allows in it; never
   * longer than a quarter of the republisher's look-back, which must still see the group when the
   * pause ends should the reminder be lost with this instance (P1).
   */
  Duration pause(int told) {
    Duration paced = Duration.ofMillis(told * 1000L / rate);
    Duration longest = republishLookback.dividedBy(4);
    return paced.compareTo(interval) <= 0 ? interval : paced.compareTo(longest) > 0 ? longest : paced;
  }

  /**
   * Brings the conversation back to stage 1 when its pause ends, to tell what was published
   * meanwhile: its newest message announced again, once however many pages ask.
   */
  void remind(TimelineMessage newest) {
    String conversationId = newest.conversationId();
    if (reminders.put(conversationId, newest) != null) {
      return;
    }
    Instant next = nextRound.get(conversationId);
    long delayMillis = next == null ? 0 : Math.max(0, Duration.between(clock.instant(), next).toMillis());
    timer.schedule(() -> {
      TimelineMessage message = reminders.remove(conversationId);
      if (message == null) {
        return;
      }
      events.send(new MessageAppended(conversationId, message.seq(), message.messageId(), message.senderId(),
          message.sentAt().toEpochMilli())).whenComplete((sent, failure) -> {
            if (failure != null) {
              // The republisher announces it: the progress stays behind the timeline (P1).
              log.warn("could not remind stage 1 of {}: {}", conversationId, failure.toString());
            }
          });
    }, delayMillis, TimeUnit.MILLISECONDS);
  }

  /** Another instance may have published and told since: start again from the stored progress. */
  void forget() {
    live.clear();
    counts.clear();
  }

  @PreDestroy
  void stopReminders() {
    timer.shutdown();
  }
}
