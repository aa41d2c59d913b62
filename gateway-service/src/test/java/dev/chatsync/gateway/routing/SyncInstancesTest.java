package dev.chatsync.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SyncInstancesTest {

  private static List<URI> instances(int count, int firstPort) {
    return IntStream.range(0, count).mapToObj(i -> URI.create("http://10.0.0." + (i + 1) + ":" + (firstPort + i))).toList();
  }

  @Test
  void everyInstanceGetsItsShareOfThePartitionsWhateverTheAddresses() {
    for (int firstPort = 8000; firstPort < 8200; firstPort++) {
      for (int count = 1; count <= 5; count++) {
        for (int partitions : new int[] {1, 6, 12, 256}) {
          URI[] owners = SyncInstances.snapshotOf(instances(count, firstPort), partitions).owners();
          Map<URI, Long> held = Arrays.stream(owners).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
          int floor = partitions / count;
          assertThat(held.values()).as("%d instances, %d partitions", count, partitions)
              .allSatisfy(n -> assertThat(n).isBetween((long) floor, (long) floor + 1));
          assertThat(held).hasSize(Math.min(count, partitions));
        }
      }
    }
  }

  @Test
  void theTableDependsOnTheInstancesNotOnTheOrderTheyAreFoundIn() {
    List<URI> found = instances(3, 8083);
    assertThat(SyncInstances.snapshotOf(found, 64).owners())
        .containsExactly(SyncInstances.snapshotOf(List.of(found.get(2), found.get(0), found.get(1)), 64).owners());
  }

  @Test
  void aThirdInstanceTakesPartitionsFromTheOthersAndMovesFewOfTheRest() {
    List<URI> three = instances(3, 8083);
    URI[] before = SyncInstances.snapshotOf(three.subList(0, 2), 256).owners();
    URI[] after = SyncInstances.snapshotOf(three, 256).owners();
    long toTheNewOne = Arrays.stream(after).filter(three.get(2)::equals).count();
    long moved = IntStream.range(0, 256).filter(p -> !before[p].equals(after[p])).count();
    System.out.printf("a third instance: %d of 256 partitions to it, %d moved in all%n", toTheNewOne, moved);
    // The ideal is a third (85 or 86), all of them moves; the share bound moves some more between the other two.
    assertThat(toTheNewOne).isBetween(80L, 86L);
    assertThat(moved).isLessThan(256 / 2);
  }
}
