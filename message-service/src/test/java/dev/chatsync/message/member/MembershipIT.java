package dev.chatsync.message.member;

import static dev.chatsync.message.ApiCalls.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Adding and removing members against the real Cassandra node and Kafka broker. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
@SuppressWarnings("unchecked")
class MembershipIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;
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
  void anAddedMemberSeesTheMessagesAfterTheirJoinAndIsToldOnce() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "before carol");
    api.send(bob, conversationId, "still before carol");

    add(alice, conversationId, carol).expectStatus().isOk()
        .expectBody().jsonPath("$.members").value(members -> assertThat((List<Object>) members).containsExactlyInAnyOrder(alice, bob, carol));
    assertThat(history(carol, conversationId)).isEmpty();
    long third = api.send(alice, conversationId, "welcome carol");
    assertThat(history(carol, conversationId)).containsExactly("welcome carol");
    assertThat(third).isEqualTo(3);
    // Adding again is a repeat: nothing moves.
    add(bob, conversationId, carol).expectStatus().isOk().expectBody().jsonPath("$.members.length()").isEqualTo(3);
    assertThat(memberRow(conversationId, carol).getLong("joined_seq")).isEqualTo(2L);

    // The repeat announces the change again, as it was made (by alice): whoever completes a change
    // announces the same entry, so stage 2 keeps one.
    List<InboxAppend> told = membershipEntries(carol, 2);
    assertThat(told).hasSize(2).extracting(InboxAppend::change, InboxAppend::conversationSeq, InboxAppend::actors)
        .containsOnly(tuple("added", 2L, List.of(alice)));
    // The repeat carries the same version: stage 2 keeps one entry.
    assertThat(told).extracting(InboxAppend::progress).containsOnly(1L);
    assertThat(listed(carol)).contains(conversationId);
  }

  @Test
  void aRemovedMemberReadsOnlyWhatCameWhileAMemberSendsNothingAndLeavesTheirList() {
    String conversationId = api.createGroup(alice, List.of(bob, carol));
    api.send(bob, conversationId, "one");

    remove(alice, conversationId, bob).expectStatus().isNoContent();

    // What was sent while bob was a member stays his to read (a large group delivers it only there), nothing after (P6).
    api.send(alice, conversationId, "after bob");
    assertThat(history(bob, conversationId)).containsExactly("one");
    api.as(bob).post().uri("/api/v1/conversations/{id}/messages", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", "after", "body", "let me in")).exchange().expectStatus().isForbidden()
        .expectBody().jsonPath("$.status").exists();
    api.read(bob, conversationId, 1).expectStatus().isForbidden().expectBody().jsonPath("$.status").exists();
    assertThat(listed(bob)).doesNotContain(conversationId);
    assertThat(memberRow(conversationId, bob).getLong("left_seq")).isEqualTo(1L);
    List<InboxAppend> told = membershipEntries(bob, 1);
    assertThat(told.get(0)).extracting(InboxAppend::change, InboxAppend::conversationSeq).containsExactly("removed", 1L);
    assertThat(told.get(0).progress()).isEqualTo(2L);

    // Only the creator removes others; anyone removes themself, and a repeat is no error.
    remove(carol, conversationId, alice).expectStatus().isForbidden().expectBody().jsonPath("$.status").exists();
    remove(carol, conversationId, carol).expectStatus().isNoContent();
    remove(carol, conversationId, carol).expectStatus().isNoContent();
    api.as(alice).get().uri("/api/v1/conversations/{id}", conversationId).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.members").value(members -> assertThat((List<Object>) members).containsExactly(alice));
  }

  @Test
  void aMemberAddedAgainKeepsTheEarlierSpanForTheFanout() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "one");
    remove(alice, conversationId, bob).expectStatus().isNoContent();
    api.send(alice, conversationId, "two, bob is away");

    add(alice, conversationId, bob).expectStatus().isOk();

    Row row = memberRow(conversationId, bob);
    assertThat(row.getLong("joined_seq")).isEqualTo(2L);
    assertThat(row.isNull("left_seq")).isTrue();
    assertThat(row.getMap("earlier_spans", Long.class, Long.class)).containsExactly(Map.entry(0L, 1L));
    assertThat(row.getInt("membership_version")).isEqualTo(3);
    assertThat(history(bob, conversationId)).isEmpty();
    assertThat(listed(bob)).contains(conversationId);
  }

  /**
   * The spans of a member removed and added again cannot grow without bound: a span is dropped
   * once stage 1 has expanded past its end and its leaving message is older than the replay
   * window (7 days, the inbox TTL), when no fanout, replay or rebuild can still need it (P1, P8).
   */
  @Test
  void earlierSpansNoFanoutOrReplayCanNeedAreDroppedWhenTheMemberIsAddedAgain() {
    String conversationId = api.createGroup(alice, List.of(bob));
    for (int cycle = 0; cycle < 3; cycle++) {
      api.send(alice, conversationId, "while bob is in");
      remove(alice, conversationId, bob).expectStatus().isNoContent();
      api.send(alice, conversationId, "while bob is away");
      add(alice, conversationId, bob).expectStatus().isOk();
    }
    assertThat(memberRow(conversationId, bob).getMap("earlier_spans", Long.class, Long.class))
        .containsExactlyInAnyOrderEntriesOf(Map.of(0L, 1L, 2L, 3L, 4L, 5L));
    // Messages 1-4 are eight days old now; stage 1 has expanded up to 2 only.
    for (long seq = 1; seq <= 4; seq++) {
      cql.execute("UPDATE messages_by_conversation SET sent_at = ? WHERE conversation_id = ? AND bucket = 0 AND seq = ?",
          Instant.now().minus(Duration.ofDays(8)), conversationId, seq);
    }
    cql.execute("INSERT INTO fanout_progress (conversation_id, fanned_seq) VALUES (?, 2)", conversationId);

    api.send(alice, conversationId, "while bob is in");
    remove(alice, conversationId, bob).expectStatus().isNoContent();
    api.send(alice, conversationId, "while bob is away");
    add(alice, conversationId, bob).expectStatus().isOk();

    // 0-1: old and expanded, dropped. 2-3: old, but stage 1 has not expanded message 3 yet. 4-5:
    // its leaving message is recent. 6-7: the span that just ended.
    assertThat(memberRow(conversationId, bob).getMap("earlier_spans", Long.class, Long.class))
        .containsExactlyInAnyOrderEntriesOf(Map.of(2L, 3L, 4L, 5L, 6L, 7L));
    assertThat(memberRow(conversationId, bob).getLong("joined_seq")).isEqualTo(8L);
  }

  @Test
  void concurrentAddsAndRemovesLeaveTheListAgreeingWithTheMembership() throws Exception {
    String conversationId = api.createGroup(alice, List.of(bob));
    for (int round = 0; round < 10; round++) {
      var adding = CompletableFuture.runAsync(() -> add(alice, conversationId, carol).expectStatus().isOk()
          .expectBody().jsonPath("$.conversationId").isEqualTo(conversationId));
      var removing = CompletableFuture.runAsync(() -> {
        int status = remove(alice, conversationId, carol).returnResult(Void.class).getStatus().value();
        assertThat(status).isIn(204, 404);
      });
      CompletableFuture.allOf(adding, removing).get();

      Row member = memberRow(conversationId, carol);
      Row listed = cql.execute("SELECT left_seq FROM conversations_by_user WHERE user_id = ? AND conversation_id = ?", carol,
          conversationId).one();
      assertThat(listed.isNull("left_seq")).as("round %d: listed iff a member", round).isEqualTo(member.isNull("left_seq"));
    }
  }

  @Test
  void membersWrittenBeforeMembershipVersionsExistedCanBeRemovedAndAddedAgain() {
    String conversationId = api.createGroup(alice, List.of(bob));
    cql.execute("UPDATE conversation_members SET membership_version = null WHERE conversation_id = ? AND user_id = ?",
        conversationId, bob);

    remove(alice, conversationId, bob).expectStatus().isNoContent();
    assertThat(memberRow(conversationId, bob).getInt("membership_version")).isEqualTo(1);
    add(alice, conversationId, bob).expectStatus().isOk().expectBody().jsonPath("$.members.length()").isEqualTo(2);
    assertThat(memberRow(conversationId, bob).getInt("membership_version")).isEqualTo(2);
  }

  /**
   * A full page of 100: newcomers (written together), members already (a repeat) and a removed
   * member (added again) in one request; every one of them ends a current member, listed, with
   * the kept count right.
   */
  @Test
  void aFullPageMixingNewcomersMembersAndARemovedMemberAddsThemAll() {
    String conversationId = api.createGroup(alice, List.of(bob, carol));
    remove(carol, conversationId, carol).expectStatus().isNoContent();
    List<String> page = new ArrayList<>(IntStream.range(0, 98).mapToObj(i -> user("page" + i)).toList());
    page.add(bob);
    page.add(carol);

    api.addMembers(alice, conversationId, page.toArray(String[]::new)).expectStatus().isOk()
        .expectBody().jsonPath("$.memberCount").isEqualTo(101);

    List<Row> rows = cql.execute("SELECT user_id, left_seq, membership_version, settled_version, completed_version "
        + "FROM conversation_members WHERE conversation_id = ?", conversationId).all();
    assertThat(rows).hasSize(101).allSatisfy(row -> {
      assertThat(row.isNull("left_seq")).as("%s current", row.getString("user_id")).isTrue();
      // Null: written at creation, complete with it.
      assertThat(row.isNull("completed_version") || row.getInt("completed_version") == row.getInt("membership_version"))
          .as("%s's change completed", row.getString("user_id")).isTrue();
    });
    assertThat(memberRow(conversationId, carol).getInt("membership_version")).as("carol: added, removed, added").isEqualTo(3);
    assertThat(cql.execute("SELECT member_count FROM conversation_members WHERE conversation_id = ? LIMIT 1", conversationId)
        .one().getInt("member_count")).isEqualTo(101);
    assertThat(listed(page.get(97))).contains(conversationId);
    assertThat(listed(carol)).contains(conversationId);
  }

  @Test
  void badRequestsAreRefusedWithProblems() {
    String groupId = api.createGroup(alice, List.of(bob));
    String directId = api.as(alice).post().uri("/api/v1/conversations").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("type", "direct", "members", List.of(bob))).exchange()
        .expectBody(Map.class).returnResult().getResponseBody().get("conversationId").toString();

    add(alice, directId, carol).expectStatus().isEqualTo(409).expectBody().jsonPath("$.type").value(type ->
        assertThat(type.toString()).endsWith("/conflict"));
    add(carol, groupId, carol).expectStatus().isForbidden().expectBody().jsonPath("$.status").exists();
    api.as(alice).post().uri("/api/v1/conversations/{id}/members", groupId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("userIds", List.of("not valid!"))).exchange()
        .expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("userIds[0]");
    api.as(alice).post().uri("/api/v1/conversations/{id}/members", groupId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("userIds", List.of())).exchange()
        .expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("userIds");
    remove(alice, groupId, carol).expectStatus().isNotFound().expectBody().jsonPath("$.status").exists();
    remove(bob, groupId, alice).expectStatus().isForbidden().expectBody().jsonPath("$.status").exists();
  }

  private WebTestClient.ResponseSpec add(String caller, String conversationId, String userId) {
    return api.as(caller).post().uri("/api/v1/conversations/{id}/members", conversationId).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("userIds", List.of(userId))).exchange();
  }

  private WebTestClient.ResponseSpec remove(String caller, String conversationId, String userId) {
    return api.as(caller).delete().uri("/api/v1/conversations/{id}/members/{user}", conversationId, userId).exchange();
  }

  private List<String> history(String userId, String conversationId) {
    Map<?, ?> page = api.as(userId).get().uri("/api/v1/conversations/{id}/messages", conversationId).exchange()
        .expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();
    return ((List<?>) page.get("items")).stream().map(item -> ((Map<?, ?>) item).get("body").toString()).toList();
  }

  private List<String> listed(String userId) {
    Map<?, ?> page = api.as(userId).get().uri("/api/v1/conversations").exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();
    return ((List<?>) page.get("items")).stream().map(item -> ((Map<?, ?>) item).get("conversationId").toString()).toList();
  }

  private Row memberRow(String conversationId, String userId) {
    return cql.execute("SELECT joined_seq, left_seq, earlier_spans, membership_version FROM conversation_members "
        + "WHERE conversation_id = ? AND user_id = ?", conversationId, userId).one();
  }

  private List<InboxAppend> membershipEntries(String userId, int count) {
    return api.awaitRecords(Topics.INBOX_APPEND, userId, found -> found.size() >= count);
  }
}
