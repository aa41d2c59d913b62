package dev.chatsync.bench;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ObjIntConsumer;

/**
 * Groups of one size, every member online with one device holding a stream. Each stream reports
 * the messages it receives by their index (the body is "m" + index) and counts repeats: a
 * message shown twice on one device is a failure of P2, and the benchmark says so.
 */
final class Population implements AutoCloseable {

  record Group(String conversationId, List<String> members) {}

  private final List<Group> groups = new ArrayList<>();
  private final List<EventStream> streams = new ArrayList<>();
  private final List<BitSet> seen = new ArrayList<>();
  private long duplicates;

  private Population() {}

  /** Creates the groups and opens every member's stream; returns once all streams answered 200. */
  static Population open(GatewayClient gateway, String runId, int groupSize, int groupCount, ObjIntConsumer<Long> onDelivery)
      throws Exception {
    Population population = new Population();
    for (int g = 0; g < groupCount; g++) {
      List<String> members = new ArrayList<>();
      for (int m = 0; m < groupSize; m++) {
        members.add(runId + "-g" + groupSize + "-" + g + "-" + m);
      }
      members.parallelStream().forEach(gateway::token);
      String conversationId = gateway.createGroup(members.get(0), members.subList(1, members.size()));
      population.groups.add(new Group(conversationId, members));
    }
    List<CompletableFuture<?>> opened = new ArrayList<>();
    for (Group group : population.groups) {
      for (String member : group.members()) {
        BitSet seen = new BitSet();
        population.seen.add(seen);
        EventStream stream = new EventStream((body, arrivedNanos) -> {
          int index = Integer.parseInt(body.substring(1));
          synchronized (seen) {
            if (seen.get(index)) {
              population.countDuplicate();
              return;
            }
            seen.set(index);
          }
          onDelivery.accept(arrivedNanos, index);
        });
        population.streams.add(stream);
        opened.add(gateway.stream(member, "bench", stream).thenAccept(status -> {
          if (status != 200) {
            throw new IllegalStateException("stream of " + member + " answered " + status);
          }
        }));
      }
    }
    CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    return population;
  }

  List<Group> groups() {
    return groups;
  }

  int streams() {
    return streams.size();
  }

  synchronized long duplicates() {
    return duplicates;
  }

  private synchronized void countDuplicate() {
    duplicates++;
  }

  @Override
  public void close() {
    streams.forEach(EventStream::close);
  }
}
