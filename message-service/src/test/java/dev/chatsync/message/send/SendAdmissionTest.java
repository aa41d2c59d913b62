package dev.chatsync.message.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.web.ErrorResponseException;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class SendAdmissionTest {

  private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** Every send admitted: for tests of what comes after admission. */
  static SendAdmission admitsAll() {
    return new SendAdmission(Integer.MAX_VALUE, () -> Duration.ZERO, Duration.ZERO, () -> 1.0, new SimpleMeterRegistry());
  }

  @Test
  void refusesNoneUpToTheTargetThenAGrowingShareAndAllAtTwiceIt() {
    SendAdmission admission = new SendAdmission(8, delay::get, Duration.ofMillis(500), () -> 0.5, meters);

    assertThat(admission.shareRefused(Duration.ofMillis(400))).isZero();
    assertThat(admission.shareRefused(Duration.ofMillis(500))).isZero();
    assertThat(admission.shareRefused(Duration.ofMillis(750))).isEqualTo(0.5);
    assertThat(admission.shareRefused(Duration.ofMillis(1_000))).isEqualTo(1.0);
    assertThat(admission.shareRefused(Duration.ofSeconds(30))).isEqualTo(1.0);
    assertThat(new SendAdmission(8, delay::get, Duration.ZERO, () -> 0.5, meters).shareRefused(Duration.ofMinutes(1)))
        .as("a zero target turns it off").isZero();
  }

  @Test
  void aFanoutTooFarBehindRefusesTheSendBeforeItDoesAnything() {
    SendAdmission admission = new SendAdmission(8, delay::get, Duration.ofMillis(500), () -> 0.99, meters);
    AtomicBoolean started = new AtomicBoolean();
    Mono<String> send = Mono.fromCallable(() -> {
      started.set(true);
      return "sent";
    });

    delay.set(Duration.ofMillis(1_200));
    assertThatThrownBy(() -> admission.admit(send).block()).isInstanceOfSatisfying(ErrorResponseException.class, refused -> {
      assertThat(refused.getStatusCode().value()).isEqualTo(503);
      assertThat(refused.getBody().getType().toString()).endsWith("/overloaded");
      assertThat(refused.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    });
    assertThat(started).isFalse();
    assertThat(meters.get("chat.sends.shed").tag("reason", "fanout-delay").counter().count()).isEqualTo(1);

    delay.set(Duration.ofMillis(300));
    assertThat(admission.admit(send).block()).isEqualTo("sent");
  }

  @Test
  void sendsBeyondTheInFlightBoundAreRefusedAtOnceAndEachEndFreesItsPlace() {
    SendAdmission admission = new SendAdmission(2, delay::get, Duration.ofMillis(500), () -> 0.5, meters);
    Sinks.One<String> first = Sinks.one();
    Sinks.One<String> second = Sinks.one();
    Disposable running = admission.admit(first.asMono()).subscribe();
    admission.admit(second.asMono()).subscribe();

    assertThatThrownBy(() -> admission.admit(Mono.just("third")).block())
        .isInstanceOfSatisfying(ErrorResponseException.class, refused -> assertThat(refused.getBody().getType().toString())
            .endsWith("/overloaded"));
    assertThat(meters.get("chat.sends.in.flight").gauge().value()).isEqualTo(2);

    second.tryEmitValue("done");
    assertThat(admission.admit(Mono.just("third")).block()).isEqualTo("third");
    // A send whose caller went away (cancelled) gives its place back too.
    running.dispose();
    assertThat(meters.get("chat.sends.in.flight").gauge().value()).isZero();
    assertThat(meters.get("chat.sends.shed").tag("reason", "in-flight").counter().count()).isEqualTo(1);
  }
}
