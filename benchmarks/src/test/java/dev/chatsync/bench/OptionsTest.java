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
  void twoInstancesAreGivenAsListsOfGatewaysAndActuators() {
    Bench.Options options = Bench.Options.parse(new String[] {"--send-gateways", "http://a:1,http://b:2",
        "--message-actuator", "http://m:1,http://m:2", "--instances", "2", "--rebalance", "100:500",
        "--rebalance-command", "deploy/local/services.sh stop message-service-2"});
    assertThat(options.sendGateways).containsExactly("http://a:1", "http://b:2");
    assertThat(options.messageActuators).containsExactly("http://m:1", "http://m:2");
    assertThat(options.instances).isEqualTo(2);
    assertThat(options.rebalance).isEqualTo(new Bench.ProfiledStep(100, 500));
    assertThat(options.rebalanceCommand).isEqualTo("deploy/local/services.sh stop message-service-2");
    assertThat(Bench.Options.parse(new String[0]).phases).contains("rebalance");
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

  @Test
  void aSweepGoesOnDoublingPastTheLastGivenRate() {
    assertThat(Bench.sweepRates(new double[] {250, 500}).toArray())
        .containsExactly(250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000);
  }
}
