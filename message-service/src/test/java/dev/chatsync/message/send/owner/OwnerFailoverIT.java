package dev.chatsync.message.send.owner;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.send.RecentConversations;
import dev.chatsync.message.send.SendDedup.Key;
import dev.chatsync.message.send.SendPath.Outcome;
import dev.chatsync.message.send.owner.cassandra.CassandraOwnedTimeline;
import dev.chatsync.message.send.owner.SlotTable.Instance;
import dev.chatsync.message.send.owner.SlotTable.Slot;
import dev.chatsync.message.send.owner.cassandra.CassandraSlotTable;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Two owners of one ring of slots, A and B, each with clocks of its own, against the real
 * Cassandra node: what one leaves behind (a stalled write, a missing send record, a clock that
 * runs ahead) must not lose, repeat or hide a message under the other (P1, P3, P4, P5).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class OwnerFailoverIT {

  private static final Duration LEASE = Duration.ofSeconds(12);
  private static final Duration RENEW = Duration.ofSeconds(2);
  private static final Duration SKEW = Duration.ofSeconds(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;
  @Autowired MessageStore messages;
  @Autowired RecentConversations recent;
  @Autowired MessageProperties properties;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  private final String ring = "test-" + UUID.randomUUID();
  private final String alice = ApiCalls.user("alice");
  private final String bob = ApiCalls.user("bob");
  private ApiCalls api;

  @BeforeEach
  void client() {
    api = new ApiCalls(web, identity, bootstrapServers);
  }

  @Test
  void aNewOwnerAfterAGracefulHandoverIsNotHiddenByTheOldOwnersClockRunningAhead() {
    String conversation = api.createGroup(alice, List.of(bob));
    Owner a = new Owner("a", SKEW.minusMillis(500));
    Owner b = new Owner("b", Duration.ZERO);
    a.leases.tick();
    a.send(alice, conversation, "m1");
    a.send(alice, conversation, "m2");

    a.leases.stop();
    b.leases.tick();
    Outcome third = b.send(alice, conversation, "m3");

    // Without the timestamp floor, A's head write (stamped 1.5 s ahead) outlives B's for 1.5 s: the
    // head stays at 2 and seq 3 is stored but invisible to history and the fanout.
    assertThat(third.message().seq()).isEqualTo(3);
    assertThat(messages.head(conversation).block()).isEqualTo(3);
    assertThat(history(conversation)).extracting(Message::clientMsgId).containsExactly("m1", "m2", "m3");
  }

  @Test
  void aStalledOwnersLateWritesLoseToTheNextOwner() {
    String conversation = api.createGroup(alice, List.of(bob));
    Owner a = new Owner("a", SKEW.minusMillis(500));
    Owner b = new Owner("b", Duration.ZERO);
    a.leases.tick();
    a.send(alice, conversation, "m1");
    a.send(alice, conversation, "m2");
    // A batch A starts now, under its lease, and that lands only after B took over (A stalled).
    SlotLeases.Permit stalled = a.leases.beginWrite(SendSlots.slotOf(conversation)).orElseThrow();
    a.leases.endWrite(stalled);

    b.takesOverFrom(a);
    b.send(alice, conversation, "m3");
    Instant at = Instant.now();
    a.timeline.append(List.of(new Message(conversation, 3, "zombie-3", "z3", alice, "text", "late", at),
        new Message(conversation, 4, "zombie-4", "z4", alice, "text", "late", at)), stalled.timestamp()).block();
    a.timeline.recordSend(new Message(conversation, 3, "zombie-3", "z3", alice, "text", "late", at), stalled.timestamp()).block();

    assertThat(messages.head(conversation).block()).isEqualTo(3);
    assertThat(history(conversation)).extracting(Message::clientMsgId).containsExactly("m1", "m2", "m3");
    // The stalled owner's record of z3 points at B's message: a retry of z3 is a new send, not m3.
    Outcome retried = b.send(alice, conversation, "z3");
    assertThat(retried.created()).isTrue();
    assertThat(retried.message().seq()).isEqualTo(4);
    assertThat(history(conversation)).extracting(Message::clientMsgId).containsExactly("m1", "m2", "m3", "z3");
  }

  @Test
  void aSendStoredByAnOwnerThatDiedBeforeRecordingItIsFoundByTheNextOwner() {
    String conversation = api.createGroup(alice, List.of(bob));
    Owner a = new Owner("a", Duration.ZERO);
    Owner b = new Owner("b", Duration.ZERO);
    a.leases.tick();
    Outcome first = a.send(alice, conversation, "m1");
    // A died after its batch landed and before the send's record did.
    cql.execute("DELETE FROM send_dedup WHERE conversation_id = ? AND sender_id = ? AND client_msg_id = 'm1'", conversation,
        alice);

    b.takesOverFrom(a);
    Outcome retried = b.send(alice, conversation, "m1");

    assertThat(retried.created()).isFalse();
    assertThat(retried.message().seq()).isEqualTo(first.message().seq());
    assertThat(retried.message().messageId()).isEqualTo(first.message().messageId());
    assertThat(history(conversation)).extracting(Message::clientMsgId).containsExactly("m1");
  }

  @Test
  void aJoiningInstanceGetsItsShareOfTheSlotsAndTheirConversationsGoOnWhereTheyWere() {
    Owner a = new Owner("a", Duration.ZERO);
    Owner b = new Owner("b", Duration.ZERO);
    a.leases.tick();
    assertThat(a.held()).hasSize(SendSlots.COUNT);
    List<String> conversations = IntStream.range(0, 6).mapToObj(i -> api.createGroup(alice, List.of(bob))).toList();
    conversations.forEach(conversation -> a.send(alice, conversation, "before"));

    b.leases.tick();
    a.leases.tick();
    b.leases.tick();

    Set<Integer> both = new HashSet<>(a.held());
    both.retainAll(b.held());
    assertThat(both).isEmpty();
    assertThat(a.held().size() + b.held().size()).isEqualTo(SendSlots.COUNT);
    assertThat(b.held()).isNotEmpty();
    assertThat(a.held()).isNotEmpty();
    for (String conversation : conversations) {
      Owner owner = b.held().contains(SendSlots.slotOf(conversation)) ? b : a;
      assertThat(owner.send(alice, conversation, "after").message().seq()).isEqualTo(2);
      assertThat(history(conversation)).extracting(Message::clientMsgId).containsExactly("before", "after");
    }
  }

  @Test
  void anOwnerWhoseRenewalFoundOneSlotTakenKeepsServingTheOthers() {
    AtomicBoolean takeSlotSevenNow = new AtomicBoolean();
    Owner a = new Owner("a", Duration.ZERO, table -> new TakingOverBeforeRenewal(table, takeSlotSevenNow));
    a.leases.tick();
    String conversation = IntStream.range(0, 100).mapToObj(i -> api.createGroup(alice, List.of(bob)))
        .filter(id -> SendSlots.slotOf(id) != 7).findFirst().orElseThrow();
    a.send(alice, conversation, "m1");
    SlotLeases.Permit inFlight = a.leases.beginWrite(SendSlots.slotOf(conversation)).orElseThrow();
    // Another owner takes slot 7 (as after a long pause of A's) between A's read of the slot table
    // and its renewal, one conditional batch for all its slots, which is therefore refused.
    takeSlotSevenNow.set(true);
    a.leases.tick();
    a.leases.tick();

    assertThat(a.held()).hasSize(SendSlots.COUNT - 1).doesNotContain(7);
    // A write of the epoch A gave up is not acknowledged: the new epoch's log fences over it.
    assertThat(a.leases.stillHeld(inFlight)).isFalse();
    a.leases.endWrite(inFlight);
    // Its conversations were loaded under the old epoch: they are loaded again, and go on.
    assertThat(a.send(alice, conversation, "m2").message().seq()).isEqualTo(2);
    assertThat(history(conversation)).extracting(Message::clientMsgId).containsExactly("m1", "m2");
  }

  @Test
  void aTakeoverLosesToARenewalThatCameBetweenItsReadAndItsWrite() {
    CassandraSlotTable table = new CassandraSlotTable(cql, ring);
    Instance a = new Instance("a", null);
    Instance c = new Instance("c", null);
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    assertThat(table.acquire(a, List.of(Slot.free(3)), now.plusSeconds(12), 100)).isTrue();
    Slot seenByC = table.slots().get(3);
    // A wakes up and renews (its epoch stays) before C's takeover lands.
    assertThat(table.renew(a, Map.of(3, seenByC.epoch()), now.plusSeconds(24), 200)).isTrue();

    assertThat(table.acquire(c, List.of(seenByC), now.plusSeconds(36), 300)).isFalse();
    assertThat(table.slots().get(3).owner()).isEqualTo("a");
  }

  @Test
  void aHeadAtTheEndOfABucketIsReadAsItIsAfterTheFenceReachedIntoTheNextBucket() {
    String conversation = api.createGroup(alice, List.of(bob));
    // 950 messages stored before: the fence of a load reaches into bucket 1 (950 + 64 > 999).
    cql.execute("INSERT INTO messages_by_conversation (conversation_id, bucket, seq, head_seq, message_id, client_msg_id, "
        + "sender_id, type, body, sent_at) VALUES (?, 0, 950, 950, 'mid-950', 'c950', ?, 'text', 'b', ?)", conversation, alice,
        Instant.now());
    Owner a = new Owner("a", Duration.ZERO);
    Owner b = new Owner("b", Duration.ZERO);
    a.leases.tick();
    for (int i = 951; i <= 999; i++) {
      a.send(alice, conversation, "c" + i);
    }

    // Bucket 0 is full: readers go on into bucket 1, which holds no message yet.
    assertThat(messages.head(conversation).block()).isEqualTo(999);
    b.takesOverFrom(a);
    Outcome next = b.send(alice, conversation, "c1000");

    assertThat(next.message().seq()).isEqualTo(1000);
    assertThat(messages.head(conversation).block()).isEqualTo(1000);
    assertThat(messages.range(conversation, 998, 1001, 10, false).block()).extracting(Message::clientMsgId)
        .containsExactly("c999", "c1000");
  }

  private List<Message> history(String conversation) {
    return messages.range(conversation, 0, messages.head(conversation).block() + 1, 100, false).block();
  }

  /** An owner as a message-service instance runs one, with clocks a test moves. */
  private final class Owner {

    final String id;
    final AtomicLong aheadNanos = new AtomicLong();
    final SlotLeases leases;
    final CassandraOwnedTimeline timeline = new CassandraOwnedTimeline(cql, properties);
    final OwnedSends sends;

    Owner(String name, Duration wallAhead) {
      this(name, wallAhead, table -> table);
    }

    Owner(String name, Duration wallAhead, UnaryOperator<SlotTable> table) {
      id = name + "-" + UUID.randomUUID();
      Clock wall = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.now().plus(wallAhead).plusNanos(aheadNanos.get()); }
      };
      leases = new SlotLeases(table.apply(new CassandraSlotTable(cql, ring)), id, () -> "http://127.0.0.1:1", LEASE, RENEW, SKEW,
          REQUEST_TIMEOUT, wall, () -> System.nanoTime() + aheadNanos.get());
      ConversationLogs logs = new ConversationLogs(leases, timeline, messages, recent, 1000, wall,
          () -> System.nanoTime() + aheadNanos.get());
      sends = new OwnedSends(logs, timeline, new SendForwarder(leases, identity, WebClient.create(), REQUEST_TIMEOUT));
    }

    Outcome send(String sender, String conversation, String clientMsgId) {
      return sends.send(new Caller(sender, "phone"), new Key(conversation, sender, clientMsgId), "text", "body of " + clientMsgId)
          .block(Duration.ofSeconds(30));
    }

    /** Takes the slots of {@code dead} over, once their leases ran out by this owner's clocks. */
    void takesOverFrom(Owner dead) {
      dead.dies();
      runsPast(LEASE.plus(REQUEST_TIMEOUT).plus(SKEW).plus(SKEW));
      leases.tick();
    }

    /** Stops heartbeating: the others count it out (its heartbeat row would expire the same way). */
    void dies() {
      cql.execute("DELETE FROM send_instances WHERE ring = ? AND instance_id = ?", ring, id);
    }

    /** Its clocks, wall and monotonic, move on by {@code duration} without the test waiting for it. */
    void runsPast(Duration duration) {
      aheadNanos.addAndGet(duration.toNanos());
    }

    Set<Integer> held() {
      Set<Integer> held = new HashSet<>();
      for (int slot = 0; slot < SendSlots.COUNT; slot++) {
        if (leases.currentEpoch(slot) >= 0) {
          held.add(slot);
        }
      }
      return held;
    }
  }

  /** The slot table, but another owner takes slot 7 right before the next renewal once told to. */
  private final class TakingOverBeforeRenewal implements SlotTable {

    private final SlotTable table;
    private final AtomicBoolean now;

    TakingOverBeforeRenewal(SlotTable table, AtomicBoolean now) {
      this.table = table;
      this.now = now;
    }

    @Override public void heartbeat(Instance self, Duration ttl) { table.heartbeat(self, ttl); }
    @Override public void leave(String id) { table.leave(id); }
    @Override public List<Instance> instances() { return table.instances(); }
    @Override public Map<Integer, Slot> slots() { return table.slots(); }
    @Override public boolean acquire(Instance owner, Collection<Slot> seen, Instant expiresAt, long ceiling) {
      return table.acquire(owner, seen, expiresAt, ceiling);
    }
    @Override public boolean release(String owner, Map<Integer, Long> epochs, Map<Integer, Long> ceilings) {
      return table.release(owner, epochs, ceilings);
    }

    @Override
    public boolean renew(Instance owner, Map<Integer, Long> epochs, Instant expiresAt, long ceiling) {
      if (now.getAndSet(false)) {
        long epoch = epochs.get(7);
        assertThat(cql.execute("UPDATE send_slots SET owner = 'elsewhere', epoch = ? WHERE ring = ? AND slot = 7 IF epoch = ?",
            epoch + 1, ring, epoch).wasApplied()).isTrue();
      }
      return table.renew(owner, epochs, expiresAt, ceiling);
    }
  }
}
