package dev.chatsync.message.member;

import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.timeline.MessageStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Which earlier spans (joined -> left) a member added again keeps, so that the map does not grow
 * with every removal. Stage 1 delivers from a span (P1), and so may a replay or a rebuild of lost
 * inboxes (P8). A span is dropped only when none of them can need it:
 * <ul>
 *   <li>it is empty (left at or before joined): it delivers nothing; or
 *   <li>stage 1 has expanded past its leaving message, and that message is older than
 *       {@code chat.messages.replay-window} (default 7 days, the inbox TTL): a rebuild only
 *       re-expands what an inbox can still hold, which is younger than that.
 * </ul>
 * Spans follow one another, so once one is droppable every older one is too (their leaving seqs
 * are lower; a leaving message may be stamped at most a send lease later than a later one's, which
 * a window of days absorbs): the spans are checked newest first, one timeline read each, until one
 * is droppable.
 */
@Component
class EarlierSpans {

  private final MessageStore messages;
  private final FanoutProgress fanout;
  private final MessageProperties properties;
  private final Clock clock = Clock.systemUTC();

  EarlierSpans(MessageStore messages, FanoutProgress fanout, MessageProperties properties) {
    this.messages = messages;
    this.fanout = fanout;
    this.properties = properties;
  }

  /** The spans to keep of {@code spans}. */
  Mono<Map<Long, Long>> kept(String conversationId, Map<Long, Long> spans) {
    List<Map.Entry<Long, Long>> newestFirst = spans.entrySet().stream()
        .filter(span -> span.getValue() > span.getKey())
        .sorted(Map.Entry.<Long, Long>comparingByValue(Comparator.reverseOrder()))
        .toList();
    if (newestFirst.isEmpty()) {
      return Mono.just(Map.of());
    }
    Instant horizon = clock.instant().minus(properties.replayWindow());
    return fanout.fanned(conversationId)
        .flatMap(fanned -> firstDroppable(conversationId, newestFirst, 0, fanned, horizon))
        .map(droppedFrom -> {
          Map<Long, Long> kept = new LinkedHashMap<>();
          newestFirst.subList(0, droppedFrom).forEach(span -> kept.put(span.getKey(), span.getValue()));
          return kept;
        });
  }

  /** The index of the newest span no fanout, replay or rebuild can need; the size if there is none. */
  private Mono<Integer> firstDroppable(String conversationId, List<Map.Entry<Long, Long>> spans, int index, long fanned,
      Instant horizon) {
    if (index == spans.size()) {
      return Mono.just(index);
    }
    long left = spans.get(index).getValue();
    if (left > fanned) {
      return firstDroppable(conversationId, spans, index + 1, fanned, horizon);
    }
    return messages.range(conversationId, left - 1, left + 1, 1, false).flatMap(found -> {
      boolean old = !found.isEmpty() && found.get(0).sentAt().isBefore(horizon);
      return old ? Mono.just(index) : firstDroppable(conversationId, spans, index + 1, fanned, horizon);
    });
  }
}
