package dev.chatsync.fanout.expand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsync.fanout.FanoutProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pace of a large group's channel-activity rounds: the interval, or longer after a round that
 * told more members than chat.fanout.channel-activity-rate allows in it, so that a group watched by
 * 5,000 members costs the store a bounded rate of entries.
 */
class ReadFanoutPaceTest {

  private final MovableClock clock = new MovableClock();
  private final Map<String, Instant> written = new HashMap<>();
  /** Records only when each group may be told next: the rest of the progress is not used here. */
  private final FanoutProgress nextRounds = (FanoutProgress) Proxy.newProxyInstance(FanoutProgress.class.getClassLoader(),
      new Class<?>[] {FanoutProgress.class}, (proxy, method, args) -> {
        if (!method.getName().equals("nextRound")) {
          throw new UnsupportedOperationException(method.getName());
        }
        return written.put((String) args[0], (Instant) args[1]);
      });

  @Test
  void aRoundThatToldManyWaitsForTheRateAFewWaitTheInterval() {
    ReadFanout pace = readFanout(200);

    pace.told("big", audience(5_000, 6), 7);
    pace.told("small", audience(10, 6), 7);

    assertThat(written).as("what the republisher of any instance reads").containsEntry("big", clock.instant().plusSeconds(25))
        .containsEntry("small", clock.instant().plusSeconds(5));
    clock.advance(Duration.ofSeconds(5));
    assertThat(pace.due("small")).as("10 told: the 5 s interval").isTrue();
    assertThat(pace.due("big")).as("5,000 told at 200 a second: 25 s").isFalse();
    clock.advance(Duration.ofSeconds(19));
    assertThat(pace.due("big")).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(pace.due("big")).isTrue();
  }

  /** Members served the head already are not told it: only those told count. */
  @Test
  void onlyTheMembersToldCount() {
    ReadFanout pace = readFanout(100);

    pace.told("group", audience(1_000, 7), 7);

    clock.advance(Duration.ofSeconds(5));
    assertThat(pace.due("group")).as("1,000 served the head already: none told, so not 10 s").isTrue();
  }

  /** A pause never outlasts a quarter of the republisher's look-back (1 h here), which must still see the group after it (P1). */
  @Test
  void noPauseOutlastsAQuarterOfTheRepublishersLookBack() {
    ReadFanout pace = readFanout(1);

    assertThat(pace.pause(100_000)).as("100,000 told at 1 a second").isEqualTo(Duration.ofMinutes(15));
    assertThat(pace.pause(600)).isEqualTo(Duration.ofMinutes(10));
    assertThat(pace.pause(3)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aRateBelowOneIsRefusedAtStart() {
    assertThatThrownBy(() -> readFanout(0)).hasMessageContaining("chat.fanout.channel-activity-rate");
  }

  /** {@code members} watchers, each served {@code servedHead}. */
  private static ReadFanout.Audience audience(int members, long servedHead) {
    Map<String, Long> served = new HashMap<>();
    for (int i = 0; i < members; i++) {
      served.put("member-" + i, servedHead);
    }
    return new ReadFanout.Audience(served, List.of(), false);
  }

  private ReadFanout readFanout(int rate) {
    FanoutProperties properties = new FanoutProperties(Duration.ofDays(7), Duration.ofSeconds(10), Duration.ofHours(1),
        Duration.ofSeconds(1), Duration.ofSeconds(30), 1_000, Duration.ofSeconds(5), rate, Duration.ofSeconds(5));
    return new ReadFanout(null, null, nextRounds, null, null, null, properties, new SimpleMeterRegistry(), clock);
  }

  private static final class MovableClock extends Clock {

    private Instant now = Instant.parse("2026-12-01T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
