package dev.chatsync.fanout.republish;

import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.RecentActivity;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.fanout.FanoutProperties;
import dev.chatsync.fanout.expand.FanoutProgress;
import dev.chatsync.fanout.expand.Timeline;
import dev.chatsync.fanout.expand.TimelineMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * P1 for the dual write: a message appended to the timeline whose publish failed (the broker was
 * down, or message-service died in between) is stranded until something announces it. This sweep
 * looks at the conversations with recent sends and announces the newest message of any that stage
 * 1 has not expanded and that made no progress since the previous sweep (so that messages merely
 * in flight are left alone). Stage 1 then expands the whole missing prefix.
 *
 * <p>A minute whose conversations were all expanded, checked after the minute ended, is not looked
 * at again; after a restart the whole look-back is checked once. Several fanout instances sweep
 * independently: a duplicate announcement is skipped by stage 1.
 */
@Component
class Republisher {

  private static final Logger log = LoggerFactory.getLogger(Republisher.class);
  /** A minute is settled this long after it ended: sends in it have appended or given up by then. */
  private static final long SETTLE_SECONDS = 30;

  private final RecentConversations recent;
  private final FanoutProgress progress;
  private final Timeline timeline;
  private final TopicProducer<MessageAppended> events;
  private final FanoutProperties properties;
  private final Clock clock = Clock.systemUTC();
  private final Counter republished;

  private final Set<Long> settledMinutes = new HashSet<>();
  private Map<String, Long> behindLastSweep = Map.of();

  Republisher(RecentConversations recent, FanoutProgress progress, Timeline timeline, TopicProducer<MessageAppended> events,
      FanoutProperties properties, MeterRegistry meters) {
    this.republished = Counter.builder("chat.fanout.republished")
        .description("Messages announced again because stage 1 had not expanded them (a publish that failed, P1)")
        .register(meters);
    this.recent = recent;
    this.progress = progress;
    this.timeline = timeline;
    this.events = events;
    this.properties = properties;
  }

  @Scheduled(fixedDelayString = "${chat.fanout.republish-interval:5s}", initialDelayString = "${chat.fanout.republish-interval:5s}")
  void sweep() {
    Instant now = clock.instant();
    long newestMinute = RecentActivity.minuteOf(now);
    long oldestMinute = RecentActivity.minuteOf(now.minus(properties.republishLookback()));
    settledMinutes.removeIf(minute -> minute < oldestMinute);
    Map<String, Long> behind = new HashMap<>();
    Set<String> checked = new HashSet<>();
    for (long minute = oldestMinute; minute <= newestMinute; minute++) {
      if (settledMinutes.contains(minute)) {
        continue;
      }
      boolean allExpanded = true;
      for (int shard = 0; shard < RecentActivity.SHARDS; shard++) {
        for (String conversationId : recent.in(minute, shard)) {
          if (checked.add(conversationId) && !caughtUp(conversationId, behind)) {
            allExpanded = false;
          }
        }
      }
      boolean ended = now.getEpochSecond() >= (minute + 1) * 60 + SETTLE_SECONDS;
      if (allExpanded && ended) {
        settledMinutes.add(minute);
      }
    }
    behindLastSweep = behind;
  }

  /** True if stage 1 has expanded the whole conversation; else notes it, and announces it if stuck. */
  private boolean caughtUp(String conversationId, Map<String, Long> behind) {
    FanoutProgress.Position fanned = progress.at(conversationId);
    Optional<TimelineMessage> newest = timeline.newestAfter(conversationId, fanned.seq());
    if (newest.isEmpty()) {
      return true;
    }
    if (fanned.readFanout() && awaitingItsRound(conversationId, newest.get().seq())) {
      // Behind by design: its messages are published live and told at its next round, which its
      // reminder brings. Not caught up either: looked at again, and announced if still stuck after.
      return false;
    }
    behind.put(conversationId, fanned.seq());
    if (Long.valueOf(fanned.seq()).equals(behindLastSweep.get(conversationId))) {
      TimelineMessage message = newest.get();
      log.atInfo().addKeyValue("conversationId", conversationId)
          .log("republishing " + conversationId + " up to seq " + message.seq() + " (expanded up to " + fanned.seq() + ")");
      events.send(new MessageAppended(conversationId, message.seq(), message.messageId(), message.senderId(),
          message.sentAt().toEpochMilli())).join();
      republished.increment();
    }
    return false;
  }

  /**
   * A read-fanout group whose newest message stage 1 published live, and whose next round is still
   * to come (V011): no instance has failed it yet. A message stage 1 never saw (its publish was
   * lost) is past the seq published live: announced as any other.
   */
  private boolean awaitingItsRound(String conversationId, long newest) {
    FanoutProgress.Pause pause = progress.pause(conversationId);
    return newest <= pause.liveSeq() && pause.nextAt() != null && clock.instant().isBefore(pause.nextAt());
  }
}
