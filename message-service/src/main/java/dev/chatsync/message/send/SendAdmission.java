package dev.chatsync.message.send;

import dev.chatsync.contracts.web.InFlightLimit;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.MessageProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Load shedding for sends. Past its capacity a system that queues every request answers all of
 * them late (seconds, then tens of seconds) and delivers everything later still; one that turns
 * the surplus away at once keeps the admitted sends fast. Two bounds, both checked before a send
 * touches anything, so a refused send stores nothing:
 *
 * <ul>
 *   <li>sends in flight on this instance (the store's queue);
 *   <li>the fanout's delay: from the target on, a growing share of sends is refused, all of them
 *       at twice the target, so the backlog stops growing (the delay read is a lower bound of
 *       what a message waits: see docs/benchmarks.md).
 * </ul>
 *
 * Refused sends get 503 {@code overloaded} with Retry-After. As soon as the delay falls back under
 * the target every send is admitted again. A send's place is held until its message is stored,
 * not through the publish (see SendService).
 */
@Component
public class SendAdmission {

  private final InFlightLimit inFlight;
  private final FanoutDelay fanout;
  private final Duration target;
  private final DoubleSupplier random;
  private final Counter shedFanout;

  @Autowired
  SendAdmission(MessageProperties properties, FanoutDelay fanout, MeterRegistry meters) {
    this(properties.maxSendsInFlight(), fanout, properties.fanoutDelayTarget(), () -> ThreadLocalRandom.current().nextDouble(),
        meters);
  }

  SendAdmission(int maxInFlight, FanoutDelay fanout, Duration target, DoubleSupplier random, MeterRegistry meters) {
    this.inFlight = new InFlightLimit(maxInFlight, "chat.messages.max-sends-in-flight", "chat.sends", "sends", meters);
    this.fanout = fanout;
    this.target = target;
    this.random = random;
    this.shedFanout = Counter.builder("chat.sends.shed").tag("reason", "fanout-delay")
        .description("sends refused with 503 overloaded before they did anything").register(meters);
    Gauge.builder("chat.fanout.delay", () -> fanout.current().toNanos() / 1e9).baseUnit("seconds")
        .description("how long the oldest record the fanout has not finished has waited").register(meters);
  }

  /** The send, if this instance takes it now; else a 503 overloaded, with nothing done. */
  public <T> Mono<T> admit(Mono<T> send) {
    return Mono.defer(() -> {
      Duration delay = fanout.current();
      if (random.getAsDouble() < shareRefused(delay)) {
        shedFanout.increment();
        return Mono.error(Problems.overloaded("Delivery is " + delay.toMillis()
            + " ms behind; retry after Retry-After seconds with the same clientMsgId."));
      }
      return inFlight.admit(send, () -> Problems.overloaded("This instance has as many sends in flight as it takes; "
          + "retry after Retry-After seconds with the same clientMsgId."));
    });
  }

  /** None below the target, then growing linearly to all at twice the target; none when the target is zero (off). */
  double shareRefused(Duration delay) {
    if (target.isZero() || delay.compareTo(target) <= 0) {
      return 0;
    }
    return Math.min(1, (double) (delay.toNanos() - target.toNanos()) / target.toNanos());
  }
}
