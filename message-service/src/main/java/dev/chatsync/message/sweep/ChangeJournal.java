package dev.chatsync.message.sweep;

import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.WriteMargin;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Begins membership, read and message changes: notes each in {@link RecentChanges} before its first write,
 * and gives it a deadline for starting its conditional writes. The sweeper looks at a change only
 * after its grace; by then, as seen from any instance, the change's writes have landed or never
 * will (the {@link WriteMargin}), so the sweeper's decision cannot be overtaken by a request that
 * stalled (docs/design.md, the faults) and woke up after the change was judged finished.
 */
@Component
public class ChangeJournal {

  private final RecentChanges changes;
  private final MessageProperties properties;
  private final WriteMargin margin;
  private final Clock clock = Clock.systemUTC();

  ChangeJournal(RecentChanges changes, MessageProperties properties, WriteMargin margin) {
    margin.requireRoomIn(properties.sweepGrace(), "chat.messages.sweep-grace");
    this.changes = changes;
    this.properties = properties;
    this.margin = margin;
  }

  /** Notes the change; the deadline it gives must guard each of the change's conditional writes. */
  public Mono<Deadline> begin(ChangeKind kind, String conversationId, String subject) {
    Instant now = clock.instant();
    return changes.note(kind, conversationId, subject, now)
        .thenReturn(new Deadline(margin.lastStartBefore(now.plus(properties.sweepGrace())), clock));
  }

  /** The last instant a change may start a conditional write. */
  public record Deadline(Instant lastStart, Clock clock) {

    /** The deadline of the two that comes first: a write for several changes must meet all of theirs. */
    public Deadline earlier(Deadline other) {
      return other.lastStart.isBefore(lastStart) ? other : this;
    }

    /** The write, if there is still time to start it; else 503 (the client retries: a new change). */
    public <T> Mono<T> before(Supplier<Mono<T>> write) {
      return Mono.defer(() -> clock.instant().isAfter(lastStart)
          ? Mono.error(Problems.unavailable("The change took too long to start; retry."))
          : write.get());
    }
  }
}
