package dev.chatsync.message.send.owner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SendSlotsTest {

  private final List<String> three = List.of("instance-a", "instance-b", "instance-c");

  @Test
  void conversationsSpreadOverEverySlot() {
    Map<Integer, Long> perSlot = IntStream.range(0, 64_000).mapToObj(i -> UUID.randomUUID().toString())
        .collect(Collectors.groupingBy(SendSlots::slotOf, Collectors.counting()));

    assertThat(perSlot).hasSize(SendSlots.COUNT);
    assertThat(perSlot.values()).allSatisfy(count -> assertThat(count).isBetween(800L, 1200L));
  }

  @Test
  void everyInstanceGetsAShareAndTheOrderOfTheLiveSetDoesNotMatter() {
    Map<String, Long> perInstance = IntStream.range(0, SendSlots.COUNT).mapToObj(slot -> SendSlots.preferredOwner(slot, three))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

    assertThat(perInstance.keySet()).containsExactlyInAnyOrderElementsOf(three);
    assertThat(perInstance.values()).allSatisfy(count -> assertThat(count).isBetween(10L, 35L));
    IntStream.range(0, SendSlots.COUNT).forEach(slot -> assertThat(SendSlots.preferredOwner(slot, List.of("instance-c", "instance-a", "instance-b")))
        .isEqualTo(SendSlots.preferredOwner(slot, three)));
  }

  @Test
  void anInstanceThatJoinsTakesSlotsOnlyForItselfAndOneThatLeavesGivesUpOnlyItsOwn() {
    List<String> four = List.of("instance-a", "instance-b", "instance-c", "instance-d");
    for (int slot = 0; slot < SendSlots.COUNT; slot++) {
      String before = SendSlots.preferredOwner(slot, three);
      String after = SendSlots.preferredOwner(slot, four);
      assertThat(after).isIn(before, "instance-d");
    }
  }
}
