package dev.chatsync.message.send.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.message.conversation.Conversation;
import dev.chatsync.message.conversation.ConversationStore;
import dev.chatsync.message.conversation.ConversationType;
import dev.chatsync.message.send.Message;
import dev.chatsync.message.send.MessageStore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import reactor.core.publisher.Flux;

/** The storage timeline on the real Cassandra node. */
@SpringBootTest
@ActiveProfiles("local")
class CassandraMessageStoreIT {

  @Autowired MessageStore messages;
  @Autowired ConversationStore conversations;

  @Test
  void concurrentAllocationsNeverCollideAndLeaveNoGap() {
    String conversationId = newConversation();

    List<Long> seqs = Flux.range(0, 100)
        .flatMap(i -> messages.allocateSeq(conversationId), 8)
        .collectList().block();

    assertThat(seqs).doesNotHaveDuplicates().hasSize(100);
    assertThat(seqs).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
    assertThat(messages.head(conversationId).block()).isEqualTo(100L);
  }

  @Test
  void allocationInAnUnknownConversationIsEmpty() {
    assertThat(messages.allocateSeq("no-such-" + UUID.randomUUID()).blockOptional()).isEmpty();
  }

  @Test
  void rangesReadAcrossBucketsInBothDirections() {
    String conversationId = newConversation();
    for (long seq : new long[] {998, 999, 1000, 1001, 2999, 3000}) {
      messages.append(message(conversationId, seq)).block();
    }

    assertThat(seqs(messages.range(conversationId, 0, 3001, 3, true).block())).containsExactly(3000L, 2999L, 1001L);
    assertThat(seqs(messages.range(conversationId, 0, 3001, 10, false).block()))
        .containsExactly(998L, 999L, 1000L, 1001L, 2999L, 3000L);
    assertThat(seqs(messages.range(conversationId, 999, 2999, 10, false).block())).containsExactly(1000L, 1001L);
    assertThat(seqs(messages.range(conversationId, 999, 2999, 10, true).block())).containsExactly(1001L, 1000L);
    assertThat(messages.range(conversationId, 1001, 1002, 10, true).block()).isEmpty();
  }

  @Test
  void appendingTheSameMessageTwiceKeepsOne() {
    String conversationId = newConversation();
    Message message = message(conversationId, 7);
    messages.append(message).block();
    messages.append(message).block();

    assertThat(messages.range(conversationId, 0, 100, 10, false).block()).containsExactly(message);
  }

  private String newConversation() {
    String id = UUID.randomUUID().toString();
    conversations.create(new Conversation(id, ConversationType.GROUP, "t", "alice", Instant.now(), List.of("alice"), 0)).block();
    return id;
  }

  private static Message message(String conversationId, long seq) {
    return new Message(conversationId, seq, "id-" + seq, "c-" + seq, "alice", "text", "body " + seq,
        Instant.parse("2026-11-24T12:00:00Z"));
  }

  private static List<Long> seqs(List<Message> found) {
    return found.stream().map(Message::seq).toList();
  }
}
