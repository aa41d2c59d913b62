package dev.chatsync.message.member;

import static dev.chatsync.message.ApiCalls.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import dev.chatsync.message.FaultInjection;
import dev.chatsync.message.Faults;
import dev.chatsync.message.SkewedClock;
import java.time.Duration;
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
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The conversation list row follows the newest membership version, whichever completion writes it
 * last and whatever the writers' clocks say: completed_version certifies the list row, so a late
 * write of an older version must not show a removed member the conversation, or hide it from one
 * added again. Real Cassandra and Kafka; the settings of InterruptedMembershipIT (one context).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.messages.sweep-grace=1h", "chat.messages.sweep-lookback=2h",
    "chat.messages.max-group-members=6"})
@AutoConfigureWebTestClient
@ActiveProfiles("local")
@Import(FaultInjection.class)
class ListOrderIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;
  @Autowired Faults faults;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  private ApiCalls api;
  private final String alice = user("alice");
  private final String bob = user("bob");
  private final String carol = user("carol");

  @BeforeEach
  void client() {
    api = new ApiCalls(web, identity, bootstrapServers);
  }

  /**
   * The add (version 1) stalls between its read of the member row and its list write; meanwhile
   * carol is removed (version 2) and that change completes. Then the add writes its list row and
   * dies: nobody completes version 1 again, and version 2 is marked completed.
   */
  @Test
  void aLateListWriteOfAnOlderVersionDoesNotListARemovedMember() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.send(alice, conversationId, "one");
    faults.before("list", carol, args -> meanwhile(() -> api.removeMember(alice, conversationId, carol)
        .expectStatus().isNoContent()));
    faults.killAfter("list", carol);

    api.addMembers(alice, conversationId, carol).expectStatus().is5xxServerError();

    Row member = memberRow(conversationId, carol);
    assertThat(member.isNull("left_seq")).as("removed meanwhile").isFalse();
    Row listed = listRow(carol, conversationId);
    assertThat(listed.isNull("left_seq")).as("the removal's list row").isFalse();
    assertThat(listed.getLong("left_seq")).isEqualTo(member.getLong("left_seq"));
  }

  /** The same with a removal that stalls before its list write while carol is added again. */
  @Test
  void aLateListWriteOfAnOlderVersionDoesNotHideAMemberAddedAgain() {
    String conversationId = api.createGroup(alice, List.of(bob, carol));
    api.send(alice, conversationId, "one");
    faults.before("unlist", carol, args -> meanwhile(() -> api.addMembers(alice, conversationId, carol).expectStatus().isOk()));
    faults.killAfter("unlist", carol);

    api.removeMember(alice, conversationId, carol).expectStatus().is5xxServerError();

    Row member = memberRow(conversationId, carol);
    assertThat(member.isNull("left_seq")).as("added again meanwhile").isTrue();
    Row listed = listRow(carol, conversationId);
    assertThat(listed.isNull("left_seq")).as("the add's list row").isTrue();
    assertThat(listed.getLong("joined_seq")).isEqualTo(member.getLong("joined_seq"));
  }

  /**
   * The add runs on an instance whose clock is ahead, the removal right after on one whose clock is
   * not: the removal's list write is stamped earlier than the add's, though it came later. (The
   * allowed skew is 2 s; 30 s here, so that a slow machine cannot hide the fault.)
   */
  @Test
  void anInstanceWhoseClockRunsAheadCannotKeepARemovedMemberListed() throws Exception {
    String conversationId = api.createGroup(alice, List.of(bob));
    try (AutoCloseable ahead = SkewedClock.ahead(Duration.ofSeconds(30))) {
      api.addMembers(alice, conversationId, carol).expectStatus().isOk();
    }

    api.removeMember(alice, conversationId, carol).expectStatus().isNoContent();

    Row member = memberRow(conversationId, carol);
    Row listed = listRow(carol, conversationId);
    assertThat(listed.isNull("left_seq")).as("the removal's list row").isFalse();
    assertThat(listed.getLong("left_seq")).isEqualTo(member.getLong("left_seq"));
  }

  /** Another request, run to its end while the request under test waits in a step. */
  private static Mono<?> meanwhile(Runnable request) {
    return Mono.fromRunnable(request).subscribeOn(Schedulers.boundedElastic());
  }

  private Row memberRow(String conversationId, String userId) {
    return cql.execute("SELECT joined_seq, left_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
        conversationId, userId).one();
  }

  private Row listRow(String userId, String conversationId) {
    return cql.execute("SELECT joined_seq, left_seq FROM conversations_by_user WHERE user_id = ? AND conversation_id = ?",
        userId, conversationId).one();
  }
}
