package dev.chatsync.fanout;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code chat.fanout.record.age{stage}}: how long the oldest record of each batch had been in Kafka
 * when its stage finished the batch. Its max is how far the stage is behind in seconds (the
 * consumers' {@code records-lag-max} says how far in records); it falls back to 0 once the stage
 * has had nothing old to do for the meter's window.
 */
public final class StageLag {

  private final Timer age;
  private final Clock clock;

  public StageLag(String stage, MeterRegistry meters, Clock clock) {
    this.age = Timer.builder("chat.fanout.record.age").tag("stage", stage)
        .description("Age of the oldest record of a batch when the stage finished it")
        .publishPercentileHistogram()
        .maximumExpectedValue(Duration.ofMinutes(10))
        .register(meters);
    this.clock = clock;
  }

  public void finished(List<? extends ConsumerRecord<?, ?>> records) {
    long oldest = Long.MAX_VALUE;
    for (ConsumerRecord<?, ?> record : records) {
      oldest = Math.min(oldest, record.timestamp());
    }
    if (oldest != Long.MAX_VALUE) {
      age.record(Duration.ofMillis(Math.max(0, clock.millis() - oldest)));
    }
  }
}
