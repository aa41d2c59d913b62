package dev.chatsync.message.lifecycle;

import static dev.chatsync.message.ApiCalls.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.MessageChanged;
import dev.chatsync.contracts.StorageTimeline;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import dev.chatsync.message.FaultInjection;
import dev.chatsync.message.Faults;
import dev.chatsync.message.sweep.ChangeFinisher;
import dev.chatsync.message.sweep.ChangeKind;
import dev.chatsync.message.sweep.NotedChange;
import dev.chatsync.message.sweep.RecentChanges;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/**
 * Edit and recall against real Cassandra and Kafka: the rules, the timeline row, the announcement
 * on chat.message-changes, and a change whose request died before announcing it.
 */
// The settings of InterruptedReadIT, so that they run in one application context.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.messages.sweep-grace=1h", "chat.messages.sweep-lookback=2h",
    "chat.messages.max-group-members=6"})
@AutoConfigureWebTestClient
@ActiveProfiles("local")
@Import(FaultInjection.class)
class MessageLifecycleIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired Faults faults;
  @Autowired CqlSession session;
  @Autowired RecentChanges recentChanges;
  @Autowired List<ChangeFinisher> finishers;
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
  void anEditReplacesTheBodyMovesTheVersionAndIsAnnounced() {
    String conversationId = api.createGroup(alice, List.of(bob));
    long seq = api.send(alice, conversationId, "helo");

    api.edit(alice, conversationId, seq, "hello", null).expectStatus().isOk()
        .expectHeader().valueEquals("ETag", "\"2\"")
        .expectBody()
        .jsonPath("$.body").isEqualTo("hello")
        .jsonPath("$.version").isEqualTo(2)
        .jsonPath("$.editedAt").exists()
        .jsonPath("$.seq").isEqualTo(seq);

    Map<String, Object> shown = api.history(bob, conversationId).get(0);
    assertThat(shown).containsEntry("body", "hello").containsEntry("version", 2).containsEntry("type", "text");
    List<MessageChanged> announced = api.awaitRecords(Topics.MESSAGE_CHANGED, conversationId, found -> !found.isEmpty());
    assertThat(announced).extracting(MessageChanged::seq, MessageChanged::version, MessageChanged::change,
        MessageChanged::actorId).containsExactly(tuple(seq, 2, MessageChanged.EDITED, alice));
  }

  @Test
  void onlyTheSenderEditsAndAStaleIfMatchConflicts() {
    String conversationId = api.createGroup(alice, List.of(bob));
    long seq = api.send(alice, conversationId, "one");

    api.edit(bob, conversationId, seq, "not mine", null).expectStatus().isForbidden();
    api.edit(carol, conversationId, seq, "not a member", null).expectStatus().isForbidden();
    api.edit(alice, conversationId, seq + 1, "no such message", null).expectStatus().isNotFound();
    api.edit(alice, conversationId, seq, "two", "\"1\"").expectStatus().isOk();
    // Another device of alice's still holds version 1.
    api.edit(alice, conversationId, seq, "lost update", "\"1\"").expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("version 2"));
    api.edit(alice, conversationId, seq, "three", "\"2\"").expectStatus().isOk().expectBody().jsonPath("$.version").isEqualTo(3);
    api.edit(alice, conversationId, seq, "four", "version 3").expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("If-Match");

    assertThat(api.history(alice, conversationId).get(0)).containsEntry("body", "three").containsEntry("version", 3);
  }

  /** docs/api.md: the body is removed for good; history shows the message as recalled, without a body. */
  @Test
  void aRecallLeavesATombstoneAndNoTextInTheStore() {
    String conversationId = api.createGroup(alice, List.of(bob));
    long seq = api.send(alice, conversationId, "my secret");
    api.edit(alice, conversationId, seq, "my secret, edited", null).expectStatus().isOk();

    api.recall(alice, conversationId, seq).expectStatus().isNoContent();

    Map<String, Object> shown = api.history(bob, conversationId).get(0);
    assertThat(shown).containsEntry("type", "recalled").containsEntry("recalledBy", alice).containsEntry("version", 3)
        .containsKey("recalledAt").doesNotContainKey("body");
    Row row = session.execute("SELECT body, edited_body FROM messages_by_conversation WHERE conversation_id = ? "
        + "AND bucket = ? AND seq = ?", conversationId, StorageTimeline.bucketOf(seq), seq).one();
    assertThat(row.getString("body")).isNull();
    assertThat(row.getString("edited_body")).isNull();
    api.edit(alice, conversationId, seq, "back again", null).expectStatus().isEqualTo(409);
    api.recall(alice, conversationId, seq).expectStatus().isNoContent();
    List<MessageChanged> announced = api.awaitRecords(Topics.MESSAGE_CHANGED, conversationId, found -> found.size() >= 2);
    assertThat(announced).extracting(MessageChanged::version, MessageChanged::change)
        .containsExactly(tuple(2, MessageChanged.EDITED), tuple(3, MessageChanged.RECALLED));
  }

  /**
   * A row above its bucket's head is a stalled send owner's late write: no reader sees it, and the
   * next message at that seq replaces it. Changing it would hand the change to that message (P3).
   */
  @Test
  void aRowAboveTheHeadIsNoMessageToChange() {
    String conversationId = api.createGroup(alice, List.of(bob));
    long head = api.send(alice, conversationId, "visible");
    long stale = head + 1;
    session.execute("INSERT INTO messages_by_conversation (conversation_id, bucket, seq, message_id, client_msg_id, sender_id, "
        + "type, body, sent_at) VALUES (?, ?, ?, 'late-write', 'late', ?, 'text', 'late body', ?)", conversationId,
        StorageTimeline.bucketOf(stale), stale, alice, Instant.now());

    api.edit(alice, conversationId, stale, "edited", null).expectStatus().isNotFound();
    api.recall(alice, conversationId, stale).expectStatus().isNotFound();

    Row row = session.execute("SELECT version, edited_body, recalled_at FROM messages_by_conversation WHERE conversation_id = ? "
        + "AND bucket = ? AND seq = ?", conversationId, StorageTimeline.bucketOf(stale), stale).one();
    assertThat(row.isNull("version") && row.isNull("edited_body") && row.isNull("recalled_at")).isTrue();
  }

  @Test
  void theSenderRecallsWithinTheWindowAndAGroupsCreatorAtAnyTime() {
    String group = api.createGroup(alice, List.of(bob, carol));
    long bobs = api.send(bob, group, "from bob");
    long old = api.send(bob, group, "from bob, long ago");
    session.execute("UPDATE messages_by_conversation SET sent_at = ? WHERE conversation_id = ? AND bucket = ? AND seq = ?",
        Instant.now().minus(Duration.ofDays(2)), group, StorageTimeline.bucketOf(old), old);

    api.recall(carol, group, bobs).expectStatus().isForbidden();
    api.recall(bob, group, old).expectStatus().isForbidden()
        .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("PT24H"));
    api.recall(bob, group, bobs).expectStatus().isNoContent();
    api.recall(alice, group, old).expectStatus().isNoContent();
    assertThat(api.history(carol, group)).extracting(message -> message.get("recalledBy")).containsExactly(bob, alice);

    String direct = api.as(alice).post().uri("/api/v1/conversations").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("type", "direct", "members", List.of(bob))).exchange().expectStatus().isCreated()
        .expectBody(Map.class).returnResult().getResponseBody().get("conversationId").toString();
    long inDirect = api.send(bob, direct, "hi");
    // A direct conversation has no creator with rights over the other's messages.
    api.recall(alice, direct, inDirect).expectStatus().isForbidden();
  }

  /**
   * The request dies right after the compare-and-set: the edit is stored but not announced. It was
   * noted before its write, and the sweeper's finisher announces it.
   */
  @Test
  void anEditWhoseRequestDiedIsAnnouncedByTheSweeper() {
    String conversationId = api.createGroup(alice, List.of(bob));
    long seq = api.send(alice, conversationId, "first");
    faults.killAfter("edit", alice);

    api.edit(alice, conversationId, seq, "second", null).expectStatus().is5xxServerError();

    assertThat(api.history(bob, conversationId).get(0)).containsEntry("body", "second").containsEntry("version", 2);
    long minute = RecentChanges.minuteOf(Instant.now());
    List<NotedChange> noted = Flux.range(0, RecentChanges.SHARDS)
        .concatMap(shard -> Flux.concat(recentChanges.in(minute - 1, shard), recentChanges.in(minute, shard)))
        .filter(change -> change.conversationId().equals(conversationId)).collectList().block();
    assertThat(noted).extracting(NotedChange::kind, NotedChange::subject).containsExactly(tuple(ChangeKind.MESSAGE,
        Long.toString(seq)));

    finishers.stream().filter(finisher -> finisher.kind() == ChangeKind.MESSAGE).findFirst().orElseThrow()
        .finish(conversationId, Long.toString(seq)).block();

    List<MessageChanged> announced = api.awaitRecords(Topics.MESSAGE_CHANGED, conversationId, found -> !found.isEmpty());
    assertThat(announced).extracting(MessageChanged::seq, MessageChanged::version).containsExactly(tuple(seq, 2));
  }
}
