package dev.chatsync.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicTest {

  @Test
  void aRecordComesBackAsItWasSentKeyedAsItsTopicSays() {
    InboxAppend entry = InboxAppend.receipt("alice", "c1", 7, List.of("bob"), 3, 1_000);

    byte[] wire = Topics.INBOX_APPEND.encode(entry);

    assertThat(Topics.INBOX_APPEND.decode(wire)).isEqualTo(entry);
    assertThat(Topics.INBOX_APPEND.keyOf(entry)).isEqualTo("alice");
    assertThat(Topics.READ_MOVED.keyOf(new ReadMoved("c1", "bob", 0, 2, 0))).isEqualTo("c1");
    // Only the record's own fields travel, not what it computes from them.
    assertThat(new String(wire, StandardCharsets.UTF_8)).doesNotContain("problem").doesNotContain("progress");
  }

  @Test
  void fieldsANewerProducerAddedAreIgnored() {
    byte[] wire = "{\"userId\":\"bob\",\"headSeq\":4,\"addedLater\":true}".getBytes(StandardCharsets.UTF_8);

    assertThat(Topics.INBOX_NOTIFIED.decode(wire)).isEqualTo(new InboxNotify("bob", 4));
  }

  @Test
  void bytesThatAreNotTheTopicsJsonArePoison() {
    for (String bad : List.of("", "not json", "[1,2]", "null", "{\"seq\":\"three\"}")) {
      assertThatThrownBy(() -> Topics.MESSAGE_APPENDED.decode(bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .isInstanceOfSatisfying(PoisonRecordException.class, poison -> assertThat(poison.reason()).isEqualTo("malformed"));
    }
  }

  @Test
  void recordsThatParseButBreakTheContractArePoison() {
    List<String> broken = List.of(
        "{\"userId\":\"bob\",\"kind\":\"telepathy\",\"conversationId\":\"c1\",\"conversationSeq\":1}",
        "{\"userId\":\"bob\",\"kind\":\"message\",\"conversationId\":\"c1\",\"conversationSeq\":0,\"messageId\":\"m\",\"senderId\":\"a\"}",
        "{\"userId\":\"bob\",\"kind\":\"message\",\"conversationId\":\"c1\",\"conversationSeq\":1,\"senderId\":\"a\"}",
        "{\"kind\":\"read\",\"conversationId\":\"c1\",\"conversationSeq\":1}",
        "{\"userId\":\"no spaces\",\"kind\":\"read\",\"conversationId\":\"c1\",\"conversationSeq\":1}");
    for (String bad : broken) {
      assertThatThrownBy(() -> Topics.INBOX_APPEND.decode(bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .isInstanceOfSatisfying(PoisonRecordException.class, poison -> assertThat(poison.reason()).isEqualTo("contract"));
    }
  }

  @Test
  void aProducerCannotSendARecordThatBreaksTheContract() {
    assertThatThrownBy(() -> Topics.MESSAGE_APPENDED.encode(new MessageAppended("c1", 0, "m", "alice", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seq");
    assertThatThrownBy(() -> Topics.READ_MOVED.encode(new ReadMoved("c1", "bob", 5, 4, 0)))
        .hasMessageContaining("fromSeq");
  }

  @Test
  void everyKindTheServicesSendKeepsTheContract() {
    List<InboxAppend> sent = List.of(
        InboxAppend.message("bob", "c1", 1, "m1", "alice", 0),
        InboxAppend.read("bob", "c1", 1, 0),
        InboxAppend.receipt("alice", "c1", 1, List.of("bob"), 1, 0),
        InboxAppend.membership("bob", "c1", "added", 0, "alice", 1, 0));
    assertThat(sent).allSatisfy(entry -> assertThat(entry.problem()).isNull());
  }
}
