package dev.chatsync.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final TokenBuckets buckets = new TokenBuckets(10, Duration.ofSeconds(1), now::get);

  @Test
  void aBurstOfOnePeriodIsAdmittedThenOnePermitPerTenthOfASecond() {
    for (int i = 0; i < 10; i++) {
      assertThat(buckets.take("alice")).isZero();
    }
    assertThat(buckets.take("alice")).isEqualTo(Duration.ofMillis(100));
    // Another key has a bucket of its own.
    assertThat(buckets.take("bob")).isZero();

    now.addAndGet(Duration.ofMillis(60).toNanos());
    assertThat(buckets.take("alice")).isEqualTo(Duration.ofMillis(40));
    now.addAndGet(Duration.ofMillis(40).toNanos());
    assertThat(buckets.take("alice")).isZero();
    assertThat(buckets.take("alice")).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void aPermitGivenBackCanBeTakenAgain() {
    for (int i = 0; i < 10; i++) {
      buckets.take("alice");
    }
    buckets.giveBack("alice");
    assertThat(buckets.take("alice")).isZero();
    assertThat(buckets.take("alice")).isPositive();
  }

  @Test
  void bucketsThatFilledUpAgainAreForgotten() {
    for (int i = 0; i < 1000; i++) {
      buckets.take("user-" + i);
    }
    assertThat(buckets.size()).isEqualTo(1000);

    now.addAndGet(Duration.ofSeconds(2).toNanos());
    buckets.take("alice");

    assertThat(buckets.size()).isEqualTo(1);
  }
}
