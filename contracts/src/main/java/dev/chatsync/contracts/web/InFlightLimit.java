package dev.chatsync.contracts.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * At most so many requests of one kind worked on at once by an instance; one more is refused at
 * once, before it does anything. Past its capacity a service that queues every request answers
 * all of them late, and its store's driver starts failing requests it has no connection slot for;
 * one that turns the surplus away keeps the admitted ones fast and recovers as soon as the load
 * falls.
 */
public final class InFlightLimit {

  private final Semaphore permits;
  private final Counter refused;

  /**
   * @param setting the property that sets {@code max}, for the error a bad value gets
   * @param meterPrefix {@code <prefix>.in.flight} gauges the requests worked on, {@code <prefix>.shed}
   *     (tagged {@code reason=in-flight}) counts the refused
   */
  public InFlightLimit(int max, String setting, String meterPrefix, String what, MeterRegistry meters) {
    if (max < 1) {
      throw new IllegalArgumentException(setting + " must be at least 1, was " + max);
    }
    this.permits = new Semaphore(max);
    this.refused = Counter.builder(meterPrefix + ".shed").tag("reason", "in-flight")
        .description(what + " refused with 503 overloaded before they did anything").register(meters);
    Gauge.builder(meterPrefix + ".in.flight", () -> max - permits.availablePermits())
        .description(what + " this instance is working on").register(meters);
  }

  /**
   * The work, holding a place until it ends (or is cancelled); else, with every place taken, the
   * refusal's error, and the work is never subscribed to.
   */
  public <T> Mono<T> admit(Mono<T> work, Supplier<? extends Throwable> refusal) {
    return Mono.defer(() -> {
      if (!permits.tryAcquire()) {
        refused.increment();
        return Mono.error(refusal.get());
      }
      return work.doFinally(signal -> permits.release());
    });
  }
}
