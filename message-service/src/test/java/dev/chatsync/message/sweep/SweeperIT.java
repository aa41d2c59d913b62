package dev.chatsync.message.sweep;

import static dev.chatsync.message.ApiCalls.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.ReadMoved;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import dev.chatsync.message.FaultInjection;
import dev.chatsync.message.Faults;
import dev.chatsync.message.timeline.MessageDraft;
import dev.chatsync.message.timeline.MessageStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Membership and read changes whose request died half-way, and that nobody retries: the sweeper
 * finishes them (docs/design.md, the faults; P1 for the dual writes to Cassandra and Kafka, P6 for the join
 * point). The request is killed right after a chosen step, so Cassandra holds exactly what a kill
 * there leaves. Real Cassandra and Kafka; a short grace, so that the sweeper comes soon.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.messages.sweep-interval=1s", "chat.messages.sweep-grace=15s", "chat.messages.clock-skew=1s"})
@AutoConfigureWebTestClient
@ActiveProfiles("local")
@Import(FaultInjection.class)
class SweeperIT {

  private static final Duration SWEPT = Duration.ofSeconds(90);

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;
  @Autowired Faults faults;
  @Autowired MessageStore messages;
  @Autowired List<ChangeFinisher> finishers;
  @Autowired RecentChanges changes;
  @Autowired MeterRegistry meters;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  private ApiCalls api;
  private final String alice = user("alice");
  private final String bob = user("bob");
  private final String carol = user("carol");

  @BeforeEach
  void client() {
    api = new ApiCalls(web, identity, bootstrapServers);
  }

  @Test
  void anAddWhoseRequestDiedAfterTheInsertIsSettledListedAndAnnounced() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "one");
    api.send(bob, conversationId, "two");
    // A message lands between the request's read of the head (2) and its insert: stage 1 may have
    // expanded it before carol's row existed, so her join point must move past it.
    faults.before("insert", carol, args -> appendDirectly((String) args[0]));
    faults.killAfter("insert", carol);

    api.addMembers(alice, conversationId, carol).expectStatus().is5xxServerError();

    assertThat(memberRow(conversationId, carol).getLong("joined_seq")).as("what the kill left").isEqualTo(2L);
    assertThat(listRow(carol, conversationId)).as("not listed yet").isNull();
    await().atMost(SWEPT).untilAsserted(() -> {
      assertThat(memberRow(conversationId, carol).getLong("joined_seq")).as("settled past the message").isEqualTo(3L);
      Row listed = listRow(carol, conversationId);
      assertThat(listed).isNotNull();
      assertThat(listed.isNull("joined_seq")).isFalse();
      assertThat(listed.getLong("joined_seq")).isEqualTo(3L);
      assertThat(listed.isNull("left_seq")).isTrue();
    });
    List<InboxAppend> told = api.awaitRecords(Topics.INBOX_APPEND, carol, found -> !found.isEmpty());
    // Every announcement of the change says the same (stage 2 keeps the first, by its version).
    assertThat(told).extracting(InboxAppend::kind, InboxAppend::change, InboxAppend::conversationSeq, InboxAppend::progress,
        InboxAppend::actors).containsOnly(tuple("membership", "added", 3L, 1L, List.of(alice)));
  }

  @Test
  void anAddWhoseRequestDiedBeforeItsAnnouncementIsAnnounced() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "one");
    faults.killAfter("list", carol);

    api.addMembers(alice, conversationId, carol).expectStatus().is5xxServerError();

    assertThat(listRow(carol, conversationId).getLong("joined_seq")).isEqualTo(1L);
    List<InboxAppend> told = api.awaitRecords(Topics.INBOX_APPEND, carol, found -> !found.isEmpty());
    assertThat(told).extracting(InboxAppend::change, InboxAppend::conversationSeq, InboxAppend::progress)
        .containsOnly(tuple("added", 1L, 1L));
  }

  @Test
  void aRemovalWhoseRequestDiedAfterTheLeaveIsUnlistedAndAnnounced() {
    String conversationId = api.createGroup(alice, List.of(bob, carol));
    api.send(alice, conversationId, "one");
    faults.killAfter("leave", carol);

    api.removeMember(alice, conversationId, carol).expectStatus().is5xxServerError();

    assertThat(memberRow(conversationId, carol).getLong("left_seq")).isEqualTo(1L);
    assertThat(listRow(carol, conversationId).isNull("left_seq")).as("what the kill left").isTrue();
    await().atMost(SWEPT).untilAsserted(() -> {
      Row listed = listRow(carol, conversationId);
      assertThat(listed.isNull("left_seq")).isFalse();
      assertThat(listed.getLong("left_seq")).isEqualTo(1L);
    });
    List<InboxAppend> told = api.awaitRecords(Topics.INBOX_APPEND, carol, found -> !found.isEmpty());
    assertThat(told).extracting(InboxAppend::change, InboxAppend::conversationSeq, InboxAppend::progress, InboxAppend::actors)
        .containsOnly(tuple("removed", 1L, 2L, List.of(alice)));
  }

  @Test
  void aReadWhoseAnnouncementWasLostIsAnnounced() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "one");
    api.send(alice, conversationId, "two");
    faults.killAfter("advance", bob);

    api.read(bob, conversationId, 2).expectStatus().is5xxServerError();

    assertThat(memberRow(conversationId, bob).getLong("read_seq")).as("the position moved").isEqualTo(2L);
    List<ReadMoved> announced = api.awaitRecords(Topics.READ_MOVED, conversationId,
        found -> found.stream().anyMatch(read -> read.readerId().equals(bob)));
    // The whole range the lost announcement had, so the senders get their receipts too.
    assertThat(announced).extracting(ReadMoved::readerId, ReadMoved::fromSeq, ReadMoved::upTo).contains(tuple(bob, 0L, 2L));
  }

  /**
   * Several instances sweep the same worklist: each finishes the changes it finds, at once. They
   * settle the join point once and announce the same entry (stage 2 keeps one a version, P2) and
   * the same read range (one read entry a position).
   */
  @Test
  void instancesFinishingTheSameChangesAtOnceAgree() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "one");
    api.send(alice, conversationId, "two");
    faults.before("insert", carol, args -> appendDirectly((String) args[0]));
    faults.killAfter("insert", carol);
    faults.killAfter("advance", bob);
    api.addMembers(alice, conversationId, carol).expectStatus().is5xxServerError();
    api.read(bob, conversationId, 2).expectStatus().is5xxServerError();

    Flux.range(0, 4)
        .flatMap(instance -> Flux.fromIterable(finishers).flatMap(finisher -> finisher.finish(conversationId,
            finisher.kind() == ChangeKind.MEMBERSHIP ? carol : bob)))
        .blockLast(SWEPT);

    assertThat(memberRow(conversationId, carol).getLong("joined_seq")).isEqualTo(3L);
    assertThat(listRow(carol, conversationId).getLong("joined_seq")).isEqualTo(3L);
    List<InboxAppend> told = api.awaitRecords(Topics.INBOX_APPEND, carol, found -> !found.isEmpty());
    assertThat(told).extracting(InboxAppend::change, InboxAppend::conversationSeq, InboxAppend::progress)
        .containsOnly(tuple("added", 3L, 1L));
    List<ReadMoved> announced = api.awaitRecords(Topics.READ_MOVED, conversationId, found -> !found.isEmpty());
    assertThat(announced).extracting(ReadMoved::readerId, ReadMoved::fromSeq, ReadMoved::upTo).containsOnly(tuple(bob, 0L, 2L));
  }

  /**
   * A worklist row this version cannot read (a kind noted by a newer version, a row without its
   * time) does not stop the rows around it: an unknown kind is skipped (logged and counted), a row
   * without its time is taken as noted at the end of its minute, the latest it can have been.
   */
  @Test
  void aWorklistRowOfAnUnknownKindIsSkippedAndCounted() {
    Instant now = Instant.now();
    long minute = RecentChanges.minuteOf(now);
    String conversationId = UUID.randomUUID().toString();
    int shard = RecentChanges.shardOf(conversationId, carol);
    changes.note(ChangeKind.MEMBERSHIP, conversationId, carol, now).block();
    cql.execute("INSERT INTO recent_changes (minute, shard, kind, conversation_id, user_id, noted_at) VALUES (?, ?, ?, ?, ?, ?) "
        + "USING TTL 3600", minute, shard, "archive", conversationId, bob, now);
    cql.execute("INSERT INTO recent_changes (minute, shard, kind, conversation_id, user_id) VALUES (?, ?, ?, ?, ?) "
        + "USING TTL 3600", minute, shard, "read", conversationId, alice);
    double skippedBefore = skipped();

    List<NotedChange> found = changes.in(minute, shard).collectList().block();

    assertThat(found).extracting(NotedChange::subject).contains(carol, alice).doesNotContain(bob);
    assertThat(found).filteredOn(change -> change.subject().equals(alice)).extracting(NotedChange::notedAt)
        .containsExactly(Instant.ofEpochSecond((minute + 1) * 60));
    assertThat(skipped()).isGreaterThan(skippedBefore);
  }

  private double skipped() {
    return meters.counter("chat.messages.sweep.skipped", "reason", "unknown-kind").count();
  }

  /** Appends a message the way a send of another instance would, between two steps of a request. */
  private Mono<?> appendDirectly(String conversationId) {
    MessageDraft draft = new MessageDraft(conversationId, UUID.randomUUID().toString(), "meanwhile-" + UUID.randomUUID(),
        alice, "text", "sent during the add", Instant.now());
    return messages.head(conversationId).flatMap(head -> messages.append(draft, head, Instant.now().plusSeconds(60)));
  }

  private Row memberRow(String conversationId, String userId) {
    return cql.execute("SELECT joined_seq, left_seq, read_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
        conversationId, userId).one();
  }

  private Row listRow(String userId, String conversationId) {
    return cql.execute("SELECT joined_seq, left_seq FROM conversations_by_user WHERE user_id = ? AND conversation_id = ?",
        userId, conversationId).one();
  }
}
