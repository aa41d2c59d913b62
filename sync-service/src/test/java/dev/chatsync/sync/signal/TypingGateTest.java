package dev.chatsync.sync.signal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.contracts.Signal;
import org.junit.jupiter.api.Test;

class TypingGateTest {

  private final TypingGate gate = new TypingGate(100);

  @Test
  void oneTypingSignalPerTyperAndConversationEveryInterval() {
    Signal inTeam = Signal.typing("team", "alice", 0, 0);

    assertThat(gate.letsThrough("bob", inTeam, 10_000)).isTrue();
    assertThat(gate.letsThrough("bob", inTeam, 12_999)).isFalse();
    // Each recipient, conversation and typer has its own interval.
    assertThat(gate.letsThrough("carol", inTeam, 11_000)).isTrue();
    assertThat(gate.letsThrough("bob", Signal.typing("other", "alice", 0, 0), 11_000)).isTrue();
    assertThat(gate.letsThrough("bob", Signal.typing("team", "dave", 0, 0), 11_000)).isTrue();
    assertThat(gate.letsThrough("bob", inTeam, 13_000)).isTrue();
  }

  @Test
  void otherSignalsAlwaysPass() {
    Signal online = Signal.presence("alice", true, 0);

    assertThat(gate.letsThrough("bob", online, 1)).isTrue();
    assertThat(gate.letsThrough("bob", online, 2)).isTrue();
  }
}
