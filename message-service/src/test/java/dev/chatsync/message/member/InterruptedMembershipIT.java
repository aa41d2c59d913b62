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
import dev.chatsync.message.StatementLog;
import dev.chatsync.message.StatementLog.Executed;
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
import java.util.stream.IntStream;
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
import reactor.core.scheduler.Schedulers;

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
  @Autowired StatementLog statements;
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

  /**
   * A page of users who were never members is written, settled and marked completed by one
   * conditional batch each: three Paxos rounds for the page, not three a member (what lets a group
   * grow to 100,000 through the API). A message appended between the request's head read and its
   * write is not promised to them: their join point is settled past it (P1, P6).
   */
  @Test
  void aPageOfNewcomersIsAddedByThreeConditionalBatches() {
    String conversationId = api.createGroup(alice, List.of(bob));
    List<String> page = newcomers(CAP - 2);
    page.forEach(statements::watch);
    faults.before("insert", page.get(0), args -> appendDirectly((String) args[0]));

    api.addMembers(alice, conversationId, page.toArray(String[]::new)).expectStatus().isOk();

    for (String newcomer : page) {
      assertThat(conditional(newcomer)).as("%s's conditional statements", newcomer).hasSize(3)
          .allSatisfy(statement -> assertThat(statement.inRequestOf()).isGreaterThanOrEqualTo(page.size()));
      assertThat(api.awaitRecords(Topics.INBOX_APPEND, newcomer, found -> !found.isEmpty())).as("%s told once", newcomer)
          .hasSize(1);
    }
    assertAddedAt(conversationId, page, 1L);
    assertThat(memberCount(conversationId)).isEqualTo(CAP);
  }

  /**
   * The request of a page died after its one write, and a message was appended between its head
   * read and that write: the retry finishes the page together (one settle and one mark for them
   * all), every join point moved past that message (P1, P6).
   */
  @Test
  void aRetrySettlesAPageOfNewcomersWhoseAddDiedAfterItsWrite() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "one");
    List<String> page = newcomers(3);
    faults.before("insert", page.get(1), args -> appendDirectly((String) args[0]));
    faults.killAfter("insert", page.get(1));
    api.addMembers(alice, conversationId, page.toArray(String[]::new)).expectStatus().is5xxServerError();
    assertThat(page).as("what the kill left: every row written, none settled")
        .allSatisfy(newcomer -> assertThat(memberRow(conversationId, newcomer).getLong("joined_seq")).isEqualTo(1L));

    page.forEach(statements::watch);
    api.addMembers(alice, conversationId, page.toArray(String[]::new)).expectStatus().isOk();

    for (String newcomer : page) {
      assertThat(conditional(newcomer)).as("%s's conditional statements in the retry", newcomer).hasSize(2)
          .allSatisfy(statement -> assertThat(statement.inRequestOf()).isEqualTo(page.size()));
    }
    assertAddedAt(conversationId, page, 2L);
    assertThat(memberCount(conversationId)).isEqualTo(5);
  }

  /**
   * Another request added one of the page meanwhile, and a removal brought the count back to what
   * the page read: only the row's own condition fails. The page's write loses whole; the others
   * are written together again, the one added meanwhile is only repeated, and every newcomer's
   * entries carry one version (stage 2 keeps one entry, P2).
   */
  @Test
  void aPageWhoseWriteLostToAConcurrentAddIsWrittenAgainWithoutTheOneAdded() {
    String conversationId = api.createGroup(alice, List.of(bob, carol));
    List<String> page = newcomers(3);
    page.forEach(statements::watch);
    faults.before("insert", page.get(0), args -> Mono.fromRunnable(() -> {
      api.addMembers(bob, conversationId, page.get(2)).expectStatus().isOk();
      api.removeMember(carol, conversationId, carol).expectStatus().isNoContent();
    }).subscribeOn(Schedulers.boundedElastic()));

    api.addMembers(alice, conversationId, page.toArray(String[]::new)).expectStatus().isOk();

    List<Integer> insertsOfFirst = conditional(page.get(0)).stream().filter(statement -> statement.query().startsWith("INSERT"))
        .map(Executed::inRequestOf).toList();
    assertThat(insertsOfFirst).as("the page's writes: all three and the count, then the two left and the count")
        .containsExactly(4, 3);
    assertAddedAt(conversationId, page, 0L);
    for (String newcomer : page) {
      assertThat(api.awaitRecords(Topics.INBOX_APPEND, newcomer, found -> !found.isEmpty()))
          .extracting(InboxAppend::progress).containsOnly(1L);
    }
    assertThat(memberCount(conversationId)).isEqualTo(5);
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

  private List<Executed> conditional(String userId) {
    return statements.of(userId).stream().filter(Executed::conditional).toList();
  }

  private List<String> newcomers(int count) {
    return IntStream.range(0, count).mapToObj(i -> user("page" + i)).toList();
  }

  /** Each a current member from {@code joinedSeq}, settled and completed, listed from there, and told so. */
  private void assertAddedAt(String conversationId, List<String> userIds, long joinedSeq) {
    for (String userId : userIds) {
      Row row = cql.execute("SELECT joined_seq, left_seq, membership_version, settled_version, completed_version "
          + "FROM conversation_members WHERE conversation_id = ? AND user_id = ?", conversationId, userId).one();
      assertThat(row.getLong("joined_seq")).as("%s joined at", userId).isEqualTo(joinedSeq);
      assertThat(row.isNull("left_seq")).isTrue();
      assertThat(List.of(row.getInt("settled_version"), row.getInt("completed_version")))
          .as("%s's change settled and completed", userId).containsOnly(row.getInt("membership_version"));
      Row listed = cql.execute("SELECT joined_seq, left_seq FROM conversations_by_user WHERE user_id = ? AND conversation_id = ?",
          userId, conversationId).one();
      assertThat(listed.getLong("joined_seq")).as("%s's list row", userId).isEqualTo(joinedSeq);
      List<InboxAppend> told = api.awaitRecords(Topics.INBOX_APPEND, userId, found -> !found.isEmpty());
      assertThat(told).extracting(InboxAppend::change, InboxAppend::conversationSeq).containsOnly(tuple("added", joinedSeq));
    }
  }

  private int memberCount(String conversationId) {
    long current = cql.execute("SELECT left_seq FROM conversation_members WHERE conversation_id = ?", conversationId).all()
        .stream().filter(row -> row.isNull("left_seq")).count();
    int kept = cql.execute("SELECT member_count FROM conversation_members WHERE conversation_id = ? LIMIT 1", conversationId)
        .one().getInt("member_count");
    assertThat(kept).as("the kept member count").isEqualTo(current);
    return kept;
  }

  private Row memberRow(String conversationId, String userId) {
    return cql.execute("SELECT joined_seq, left_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
        conversationId, userId).one();
  }
}
