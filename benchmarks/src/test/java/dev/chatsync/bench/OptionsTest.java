package dev.chatsync.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void profiledStepsAreGroupSizeColonOfferedDeliveries() {
    Bench.Options options = Bench.Options.parse(new String[] {"--profile", "2:250,1000:2000", "--phases", "profile,sweep"});
    assertThat(options.profile).containsExactly(new Bench.ProfiledStep(2, 250), new Bench.ProfiledStep(1000, 2000));
    assertThat(options.phases).containsExactlyInAnyOrder("profile", "sweep");
  }

  @Test
  void aMalformedProfileOrAnUnknownPhaseIsRefusedWithWhatIsExpected() {
    assertThatThrownBy(() -> Bench.Options.parse(new String[] {"--profile", "2-250"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groupSize:offeredDeliveries");
    assertThatThrownBy(() -> Bench.Options.parse(new String[] {"--profile", "two:250"}))
        .hasMessageContaining("got two:250");
    assertThatThrownBy(() -> Bench.Options.parse(new String[] {"--phases", "sweep,sweeep"}))
        .hasMessageContaining("unknown phase sweeep");
  }
}
