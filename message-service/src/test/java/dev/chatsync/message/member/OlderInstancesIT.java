package dev.chatsync.message.member;

import static dev.chatsync.message.ApiCalls.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.ApiCalls;
import dev.chatsync.message.FaultInjection;
import java.util.List;
import java.util.Map;
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
 * Rows changed by code from before the completion markers and the member count (a rolling upgrade
 * that was not stopped first, or a count that drifted): the new code must not settle the join of
 * a removed member (P1: the fanout still delivers their span), nor keep a count below zero or
 * refuse an add because of a count that is too high. The settings of InterruptedMembershipIT.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "chat.messages.sweep-grace=1h", "chat.messages.sweep-lookback=2h",
    "chat.messages.max-group-members=" + OlderInstancesIT.CAP})
@AutoConfigureWebTestClient
@ActiveProfiles("local")
@Import(FaultInjection.class)
class OlderInstancesIT {

  static final int CAP = 6;

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;
  @Autowired MemberStore members;
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
  void aRepeatedRemovalAfterAnOlderInstanceRemovedTheMemberKeepsTheirSpan() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.addMembers(alice, conversationId, carol).expectStatus().isOk();
    api.send(alice, conversationId, "one");
    api.send(alice, conversationId, "two");
    removeAsOlderCode(conversationId, carol, 2);
    api.send(alice, conversationId, "three, carol is gone");

    api.removeMember(alice, conversationId, carol).expectStatus().isNoContent();

    Row member = memberRow(conversationId, carol);
    assertThat(member.getLong("joined_seq")).as("her span (0, 2] is still delivered").isEqualTo(0L);
    assertThat(member.getLong("left_seq")).isEqualTo(2L);
    Row listed = cql.execute("SELECT left_seq FROM conversations_by_user WHERE user_id = ? AND conversation_id = ?", carol,
        conversationId).one();
    assertThat(listed.getLong("left_seq")).isEqualTo(2L);
  }

  /** The settle's own condition, for a reader that took the row for a current member's. */
  @Test
  void theSettleOfAJoinPointNeverMovesARemovedMember() {
    String conversationId = api.createGroup(alice, List.of(bob));
    api.addMembers(alice, conversationId, carol).expectStatus().isOk();
    api.send(alice, conversationId, "one");
    removeAsOlderCode(conversationId, carol, 1);
    MemberRecord believedCurrent = new MemberRecord(carol, 0, null, 2, 0L, Map.of(), 1, 1, alice);

    assertThat(members.settle(conversationId, List.of(believedCurrent), 1).block()).isFalse();

    assertThat(memberRow(conversationId, carol).getLong("joined_seq")).isEqualTo(0L);
  }

  @Test
  void aMemberCountThatDriftedIsCountedAgainRatherThanGoingBelowZeroOrPastTheCap() {
    String conversationId = api.createGroup(alice, List.of(bob, carol));
    // Adds made by older code moved no count: it says 0 of 3 members.
    cql.execute("UPDATE conversation_members SET member_count = 0 WHERE conversation_id = ?", conversationId);

    api.removeMember(alice, conversationId, carol).expectStatus().isNoContent();

    assertThat(memberCount(conversationId)).isEqualTo(2);
    // Removals made by older code moved no count: it says the group is full with 2 members.
    cql.execute("UPDATE conversation_members SET member_count = ? WHERE conversation_id = ?", CAP, conversationId);

    api.addMembers(alice, conversationId, user("dave")).expectStatus().isOk();

    assertThat(memberCount(conversationId)).isEqualTo(3);
  }

  /** What a removal made by code from before the markers leaves: the version moved, the markers did not. */
  private void removeAsOlderCode(String conversationId, String userId, long leftSeq) {
    int version = memberRow(conversationId, userId).getInt("membership_version");
    cql.execute("UPDATE conversation_members SET left_seq = ?, membership_version = ? WHERE conversation_id = ? AND user_id = ?",
        leftSeq, version + 1, conversationId, userId);
    cql.execute("UPDATE conversations_by_user SET left_seq = ? WHERE user_id = ? AND conversation_id = ?", leftSeq, userId,
        conversationId);
  }

  private Row memberRow(String conversationId, String userId) {
    return cql.execute("SELECT joined_seq, left_seq, membership_version FROM conversation_members "
        + "WHERE conversation_id = ? AND user_id = ?", conversationId, userId).one();
  }

  private int memberCount(String conversationId) {
    return cql.execute("SELECT member_count FROM conversation_members WHERE conversation_id = ? LIMIT 1", conversationId).one()
        .getInt("member_count");
  }
}
