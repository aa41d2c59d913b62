package dev.chatsync.fanout.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecoveryArgumentsTest {

  @Test
  void optionsComeWithASpaceOrAnEqualsSignAndSpringsOwnAreLeftToSpring() {
    RecoveryArguments arguments = RecoveryArguments.parse("--spring.profiles.active=recovery", "rebuild", "--since",
        "2026-12-01T10:00:00Z", "--user=alice", "--spring.kafka.bootstrap-servers=127.0.0.1:9092");

    assertThat(arguments.command()).isEqualTo("rebuild");
    assertThat(arguments.instant("since")).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    assertThat(arguments.optional("user")).contains("alice");
  }

  @Test
  void badInputIsRefusedWithWhatIsExpected() {
    assertThatThrownBy(() -> RecoveryArguments.parse("rebuild", "--since", "yesterday").instant("since"))
        .hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> RecoveryArguments.parse("refan", "--from-seq", "x").seq("from-seq")).hasMessageContaining("a seq");
    assertThatThrownBy(() -> RecoveryArguments.parse("refan").required("conversation")).hasMessageContaining("--conversation");
    assertThatThrownBy(() -> RecoveryArguments.parse("rebuild", "--sinse", "x")).hasMessageContaining("unknown option --sinse");
    assertThatThrownBy(() -> RecoveryArguments.parse("rebuild", "--since")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> RecoveryArguments.parse("rebuild", "refan")).hasMessageContaining("one command");
  }
}
