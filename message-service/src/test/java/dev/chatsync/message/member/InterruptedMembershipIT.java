package dev.chatsync.message.member;

import static dev.chatsync.message.ApiCalls.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import dev.chatsync.message.FaultInjection;
import dev.chatsync.message.Faults;
import dev.chatsync.message.timeline.MessageDraft;
import dev.chatsync.message.timeline.MessageStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * Membership changes interrupted or raced, finished by the client's retry alone: the sweeper's
 * grace is an hour here, so it never steps in. Real Cassandra and Kafka; a group cap of 6.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.messages.sweep-grace=1h", "chat.messages.sweep-lookback=2h",
    "chat.messages.max-group-members=" + InterruptedMembershipIT.CAP})
@AutoConfigureWebTestClient
@ActiveProfiles("local")
@Import(FaultInjection.class)
class InterruptedMembershipIT {

  static final int CAP = 6;

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;
  @Autowired Faults faults;
  @Autowired MessageStore messages;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  private ApiCalls api;
  private final String alice = user("alice");
  private final String bob = user("bob");
  private final String carol = user("carol");
  private final ExecutorService clients = Executors.newFixedThreadPool(8);

  @BeforeEach
  void client() {
    api = new ApiCalls(web, identity, bootstrapServers);
  }

  @AfterEach
  void stopClients() {
    clients.shutdownNow();
  }

  @Test
  void aRetrySettlesTheJoinOfAnAddThatDiedAfterTheInsert() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "one");
    faults.before("insert", carol, args -> appendDirectly((String) args[0]));
    faults.killAfter("insert", carol);
    api.addMembers(alice, conversationId, carol).expectStatus().is5xxServerError();
    assertThat(memberRow(conversationId, carol).getLong("joined_seq")).as("what the kill left").isEqualTo(1L);

    api.addMembers(alice, conversationId, carol).expectStatus().isOk();

    // Message 2 came between the head read and the insert: carol is promised only what follows it.
    assertThat(memberRow(conversationId, carol).getLong("joined_seq")).isEqualTo(2L);
    Row listed = cql.execute("SELECT joined_seq, left_seq FROM conversations_by_user WHERE user_id = ? AND conversation_id = ?",
        carol, conversationId).one();
    assertThat(listed.getLong("joined_seq")).isEqualTo(2L);
    assertThat(listed.isNull("left_seq")).isTrue();
    List<InboxAppend> told = api.awaitRecords(Topics.INBOX_APPEND, carol, found -> !found.isEmpty());
    assertThat(told).extracting(InboxAppend::change, InboxAppend::conversationSeq, InboxAppend::progress)
        .containsOnly(tuple("added", 2L, 1L));
  }

  @Test
  void concurrentAddsNeverMakeTheGroupLargerThanTheCap() throws Exception {
    String conversationId = api.createGroup(alice, List.of(bob));
    int adders = 8;
    // Every add has checked the size before any of them writes: a race made certain.
    faults.gather("insert", adders, Duration.ofSeconds(30));

    List<Future<Integer>> statuses = new ArrayList<>();
    for (int i = 0; i < adders; i++) {
      String newcomer = user("newcomer" + i);
      statuses.add(clients.submit(() -> api.addMembers(alice, conversationId, newcomer).returnResult(Map.class)
          .getStatus().value()));
    }
    List<Integer> answered = new ArrayList<>();
    for (Future<Integer> status : statuses) {
      answered.add(status.get());
    }

    long members = cql.execute("SELECT user_id, left_seq FROM conversation_members WHERE conversation_id = ?", conversationId)
        .all().stream().filter(row -> row.isNull("left_seq")).count();
    assertThat(members).isEqualTo(CAP);
    assertThat(answered).containsOnly(200, 400).filteredOn(status -> status == 200).hasSize(CAP - 2);
    api.addMembers(alice, conversationId, user("one-too-many")).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("userIds");
  }

  /**
   * A member row that changes again every time the completion is about to mark it: the completion
   * gives up after its rounds, and the request must say so (503, the client retries; the sweeper
   * tries again), not answer 200 for a change whose list row and entry may be stale.
   */
  @Test
  void aChangeWhoseRowKeepsChangingWhileItIsCompletedAnswers503() {
    String conversationId = api.createGroup(alice, List.of(bob));
    faults.beforeEvery("markCompleted", carol, args -> bumpVersion(conversationId, carol));

    api.addMembers(alice, conversationId, carol).expectStatus().isEqualTo(503).expectHeader().exists("Retry-After");
  }

  /** Another change of the member, as far as the completion can tell: the version moves on. */
  private Mono<?> bumpVersion(String conversationId, String userId) {
    return Mono.fromCompletionStage(() -> cql.executeAsync(SimpleStatement.newInstance(
            "SELECT membership_version FROM conversation_members WHERE conversation_id = ? AND user_id = ?", conversationId, userId)))
        .flatMap(found -> Mono.fromCompletionStage(cql.executeAsync(SimpleStatement.newInstance(
            "UPDATE conversation_members SET membership_version = ? WHERE conversation_id = ? AND user_id = ?",
            found.one().getInt("membership_version") + 1, conversationId, userId))));
  }

  private Mono<?> appendDirectly(String conversationId) {
    MessageDraft draft = new MessageDraft(conversationId, UUID.randomUUID().toString(), "meanwhile-" + UUID.randomUUID(),
        alice, "text", "sent during the add", Instant.now());
    return messages.head(conversationId).flatMap(head -> messages.append(draft, head, Instant.now().plusSeconds(60)));
  }

  private Row memberRow(String conversationId, String userId) {
    return cql.execute("SELECT joined_seq, left_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
        conversationId, userId).one();
  }
}
