package dev.chatsync.message.read;

import static dev.chatsync.message.ApiCalls.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.chatsync.contracts.ReadMoved;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import dev.chatsync.message.FaultInjection;
import dev.chatsync.message.Faults;
import dev.chatsync.message.StatementLog;
import dev.chatsync.message.StatementLog.Executed;
import dev.chatsync.message.sweep.ChangeFinisher;
import dev.chatsync.message.sweep.ChangeKind;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A read whose request died between moving the position and announcing it, finished by the
 * client's retry alone (the sweeper's grace is an hour here). Real Cassandra and Kafka.
 */
// The settings of InterruptedMembershipIT, so that both run in one application context.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.messages.sweep-grace=1h", "chat.messages.sweep-lookback=2h",
    "chat.messages.max-group-members=6"})
@AutoConfigureWebTestClient
@ActiveProfiles("local")
@Import(FaultInjection.class)
class InterruptedReadIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired Faults faults;
  @Autowired StatementLog statements;
  @Autowired List<ChangeFinisher> finishers;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  private ApiCalls api;
  private final String alice = user("alice");
  private final String bob = user("bob");

  @BeforeEach
  void client() {
    api = new ApiCalls(web, identity, bootstrapServers);
  }

  @Test
  void aRetryAnnouncesTheWholeRangeOfAReadWhoseAnnouncementWasLost() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "one");
    api.send(alice, conversationId, "two");
    faults.killAfter("advance", bob);
    api.read(bob, conversationId, 2).expectStatus().is5xxServerError();

    api.read(bob, conversationId, 2).expectStatus().isNoContent();

    // Not just the read entry again: the range 0..2, so alice gets her receipts.
    List<ReadMoved> announced = api.awaitRecords(Topics.READ_MOVED, conversationId, found -> !found.isEmpty());
    assertThat(announced).extracting(ReadMoved::readerId, ReadMoved::fromSeq, ReadMoved::upTo).contains(tuple(bob, 0L, 2L));
  }

  /**
   * Every read runs on the conversation's partition, which every member's reads and changes share:
   * a read that moves nothing and has nothing left to announce costs one plain read, no worklist
   * note, no Paxos round and no serial read.
   */
  @Test
  void aReadThatMovesNothingCostsNoNoteAndNoPaxos() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "one");
    api.send(alice, conversationId, "two");
    statements.watch(bob);
    api.read(bob, conversationId, 2).expectStatus().isNoContent();
    // The driver tells the log of a statement after its answer reached the caller: the first read's
    // last statement (marking its announcement, a Paxos round) may be logged after the 204. Only
    // what comes after it belongs to the reads below.
    await().until(() -> statements.of(bob).stream().anyMatch(Executed::conditional));
    int before = statements.of(bob).size();

    api.read(bob, conversationId, 2).expectStatus().isNoContent();
    api.read(bob, conversationId, 1).expectStatus().isNoContent();

    await().untilAsserted(() -> assertThat(statements.of(bob)).hasSizeGreaterThan(before));
    assertThat(statements.of(bob).subList(before, statements.of(bob).size()))
        .noneMatch(Executed::conditional)
        .noneMatch(Executed::serial)
        .noneMatch(statement -> statement.query().contains("recent_changes"));
  }

  /** A read whose announcement is behind is noted and announced, as before (see above). */
  @Test
  void theSweeperLooksAtAReadAtLocalQuorum() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "one");
    api.read(bob, conversationId, 1).expectStatus().isNoContent();
    ChangeFinisher readFinisher = finishers.stream().filter(finisher -> finisher.kind() == ChangeKind.READ).findFirst()
        .orElseThrow();
    // The request moves the announced position by a compare-and-set and leaves a lost one to the
    // sweeper (a CI run under load saw it lost): one finish first, so the watched one meets a read
    // announced in full, which is what this test is about.
    readFinisher.finish(conversationId, bob).block();
    statements.watch(bob);

    readFinisher.finish(conversationId, bob).block();

    await().untilAsserted(() -> assertThat(statements.of(bob)).isNotEmpty());
    assertThat(statements.of(bob)).noneMatch(Executed::serial).noneMatch(Executed::conditional);
  }
}
