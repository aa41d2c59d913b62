package dev.chatsync.message.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsync.message.TestProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** When the sweeper finishes a change, and how often it reads the worklist (grace 30 s, look-back 1 h). */
class ChangeSweeperTest {

  private static final Instant T0 = Instant.parse("2026-12-01T12:00:10Z");

  private final Map<String, List<NotedChange>> noted = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();
  private final Map<Long, AtomicInteger> readsByMinute = new ConcurrentHashMap<>();
  private final RecentChanges changes = new RecentChanges() {
    @Override
    public Mono<Void> note(ChangeKind kind, String conversationId, String userId, Instant at) {
      noted.computeIfAbsent(RecentChanges.minuteOf(at) + "/" + RecentChanges.shardOf(conversationId, userId),
          key -> new ArrayList<>()).add(new NotedChange(kind, conversationId, userId, at));
      return Mono.empty();
    }

    @Override
    public Flux<NotedChange> in(long minute, int shard) {
      reads.incrementAndGet();
      readsByMinute.computeIfAbsent(minute, key -> new AtomicInteger()).incrementAndGet();
      return Flux.fromIterable(noted.getOrDefault(minute + "/" + shard, List.of()));
    }
  };
  private final List<String> finished = new ArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  /** Users whose changes fail to finish (the store or the broker failed for them) until removed. */
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final ChangeFinisher membershipFinisher = finisher(ChangeKind.MEMBERSHIP);
  private final ChangeFinisher readFinisher = finisher(ChangeKind.READ);
  private final ChangeSweeper sweeper = new ChangeSweeper(changes, List.of(membershipFinisher, readFinisher),
      TestProperties.messages(16384, 100, Duration.ofSeconds(15)), new SimpleMeterRegistry());

  @Test
  void aChangeIsLeftToItsRequestDuringItsGraceThenFinishedOnce() {
    changes.note(ChangeKind.MEMBERSHIP, "c1", "carol", T0).block();
    changes.note(ChangeKind.READ, "c1", "bob", T0).block();

    sweeper.sweep(T0.plusSeconds(29)).block();
    assertThat(finished).isEmpty();

    sweeper.sweep(T0.plusSeconds(31)).block();
    sweeper.sweep(T0.plusSeconds(36)).block();
    assertThat(finished).containsExactlyInAnyOrder("membership c1 carol", "read c1 bob");
  }

  @Test
  void aChangeThatCouldNotBeFinishedIsTriedAgainAndItsMinuteStaysOpen() {
    changes.note(ChangeKind.MEMBERSHIP, "c1", "carol", T0).block();
    failuresLeft.set(1);

    sweeper.sweep(T0.plusSeconds(100)).block();
    assertThat(finished).isEmpty();
    sweeper.sweep(T0.plusSeconds(105)).block();
    assertThat(finished).containsExactly("membership c1 carol");
  }

  @Test
  void aMinuteWhoseChangesAreAllFinishedAfterItsGraceIsNotReadAgain() {
    changes.note(ChangeKind.MEMBERSHIP, "c1", "carol", T0).block();
    sweeper.sweep(T0.plusSeconds(120)).block();
    int readsOfOneSweep = reads.get();

    reads.set(0);
    sweeper.sweep(T0.plusSeconds(125)).block();

    assertThat(reads.get()).isLessThan(readsOfOneSweep);
    // The same change noted again later (a new change of the same member) is a change of its own.
    changes.note(ChangeKind.MEMBERSHIP, "c1", "carol", T0.plusSeconds(200)).block();
    sweeper.sweep(T0.plusSeconds(300)).block();
    assertThat(finished).containsExactly("membership c1 carol", "membership c1 carol");
  }

  /**
   * One change that keeps failing holds its minute open: it alone is tried again, from memory;
   * the minute's worklist is not read again, and its other changes are not finished again.
   */
  @Test
  void aChangeThatKeepsFailingIsTriedAgainAloneWithoutReadingItsMinuteAgain() {
    for (int i = 0; i < 20; i++) {
      changes.note(ChangeKind.MEMBERSHIP, "c1", "user" + i, T0).block();
    }
    failing.add("user7");
    sweeper.sweep(T0.plusSeconds(120)).block();
    readsByMinute.clear();

    sweeper.sweep(T0.plusSeconds(125)).block();
    sweeper.sweep(T0.plusSeconds(130)).block();

    assertThat(readsByMinute.get(RecentChanges.minuteOf(T0))).as("reads of the minute").isNull();
    assertThat(finished).hasSize(19).doesNotHaveDuplicates();
    assertThat(attempts.get("user7")).hasValue(3);
    assertThat(sweeper.remembered()).as("changes held in memory").isEqualTo(1);
    failing.clear();
    sweeper.sweep(T0.plusSeconds(135)).block();
    sweeper.sweep(T0.plusSeconds(140)).block();
    assertThat(finished).hasSize(20).contains("membership c1 user7");
    assertThat(attempts.get("user7")).hasValue(4);
    assertThat(sweeper.remembered()).isZero();
  }

  /**
   * A change this instance has no finisher for (a kind added by a newer version), or whose finisher
   * throws, is skipped or tried again; the changes of later minutes are still finished.
   */
  @Test
  void aChangeThatCannotBeFinishedDoesNotStopTheSweep() {
    ChangeSweeper membershipOnly = new ChangeSweeper(changes, List.of(membershipFinisher),
        TestProperties.messages(16384, 100, Duration.ofSeconds(15)), new SimpleMeterRegistry());
    changes.note(ChangeKind.READ, "c1", "bob", T0).block();
    changes.note(ChangeKind.MEMBERSHIP, "c1", "broken", T0).block();
    changes.note(ChangeKind.MEMBERSHIP, "c1", "carol", T0.plusSeconds(60)).block();

    membershipOnly.sweep(T0.plusSeconds(200)).block();

    assertThat(finished).containsExactly("membership c1 carol");
    assertThat(attempts.get("broken")).hasValue(1);
    membershipOnly.sweep(T0.plusSeconds(205)).block();
    assertThat(attempts.get("broken")).as("tried again").hasValue(2);
  }

  @Test
  void settingsTheSweepCannotWorkWithAreRefusedAtStartUp() {
    assertThatThrownBy(() -> new ChangeSweeper(changes, List.of(membershipFinisher),
        TestProperties.sweep(Duration.ofSeconds(30), Duration.ofSeconds(20)), new SimpleMeterRegistry()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("chat.messages.sweep-lookback").hasMessageContaining("chat.messages.sweep-grace");
    assertThatThrownBy(() -> new ChangeSweeper(changes, List.of(membershipFinisher),
        TestProperties.sweep(Duration.ofSeconds(30), Duration.ofDays(2)), new SimpleMeterRegistry()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("chat.messages.sweep-lookback").hasMessageContaining("PT24H");
  }

  private ChangeFinisher finisher(ChangeKind kind) {
    return new ChangeFinisher() {
      @Override
      public ChangeKind kind() {
        return kind;
      }

      @Override
      public Mono<Void> finish(String conversationId, String userId) {
        attempts.computeIfAbsent(userId, key -> new AtomicInteger()).incrementAndGet();
        if (userId.equals("broken")) {
          throw new IllegalStateException("a bug in the finisher");
        }
        if (failing.contains(userId) || failuresLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
          return Mono.error(new IllegalStateException("store unavailable"));
        }
        synchronized (finished) {
          finished.add(kind.wireName() + " " + conversationId + " " + userId);
        }
        return Mono.empty();
      }
    };
  }
}
