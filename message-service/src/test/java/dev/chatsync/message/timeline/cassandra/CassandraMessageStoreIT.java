package dev.chatsync.message.timeline.cassandra;

import static dev.chatsync.contracts.StorageTimeline.BUCKET_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.conversation.Conversation;
import dev.chatsync.message.conversation.ConversationStore;
import dev.chatsync.message.conversation.ConversationType;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageDraft;
import dev.chatsync.message.timeline.MessageStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import reactor.core.publisher.Flux;

/** The storage timeline on the real Cassandra node. */
// Eight appenders into one conversation, each starting from a stale head: one of them may lose far
// more than the default 64 rounds in a row (it then answers 503, and its client retries). This
// test is about the seqs the store hands out, not that limit, so its appenders do not give up.
@SpringBootTest(properties = "chat.messages.seq-allocation-attempts=100000")
@ActiveProfiles("local")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraMessageStoreIT {

  private static final Instant FAR = Instant.parse("2999-01-01T00:00:00Z");

  @Autowired MessageStore messages;
  @Autowired ConversationStore conversations;
  @Autowired CqlSession session;
  @Autowired MessageProperties properties;

  /** 1,050 messages appended 8 at a time, so they cross from bucket 0 into bucket 1 under contention. */
  private String busy;
  private List<Long> busySeqs;

  @BeforeAll
  void appendConcurrentlyAcrossABucketBoundary() {
    busy = newConversation();
    busySeqs = Flux.range(0, 1050)
        // Every sender saw head 0 before appending: all but the first must move past a stale head.
        .flatMap(i -> messages.append(draft(busy, "m" + i), 0, FAR).map(Message::seq), 8)
        .collectList().block();
  }

  @Test
  void concurrentAppendsGetEverySeqExactlyOnceWithoutHoles() {
    assertThat(busySeqs).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 1050).boxed().toList());
    assertThat(messages.head(busy).block()).isEqualTo(1050L);
  }

  @Test
  void rangesReadAcrossBucketsInBothDirections() {
    assertThat(seqs(messages.range(busy, 0, 1051, 3, true).block())).containsExactly(1050L, 1049L, 1048L);
    assertThat(seqs(messages.range(busy, 997, 1003, 10, false).block())).containsExactly(998L, 999L, 1000L, 1001L, 1002L);
    assertThat(seqs(messages.range(busy, 997, 1003, 3, true).block())).containsExactly(1002L, 1001L, 1000L);
    assertThat(seqs(messages.range(busy, 0, 1051, 1050, false).block())).hasSize(1050).isSorted();
    assertThat(messages.range(busy, 1001, 1002, 10, true).block()).isEmpty();
  }

  /** Each instance remembers the head's bucket it saw; the other instance's appends move past it. */
  @Test
  void anInstanceWhoseRememberedBucketIsStaleStillReadsTheHeadAndAppendsAfterIt() {
    String conversationId = newConversation();
    CassandraMessageStore first = new CassandraMessageStore(session, properties);
    CassandraMessageStore second = new CassandraMessageStore(session, properties);
    Flux.range(0, (int) BUCKET_SIZE - 1).concatMap(i -> first.head(conversationId)
        .flatMap(head -> first.append(draft(conversationId, "a" + i), head, FAR)), 1).blockLast();
    assertThat(first.head(conversationId).block()).isEqualTo(BUCKET_SIZE - 1);

    for (int i = 0; i < 3; i++) {
      long head = second.head(conversationId).block();
      second.append(draft(conversationId, "b" + i), head, FAR).block();
    }

    // first remembers bucket 0, full now: it must walk on to bucket 1.
    assertThat(first.head(conversationId).block()).isEqualTo(BUCKET_SIZE + 2);
    Message next = first.append(draft(conversationId, "a-last"), first.head(conversationId).block(), FAR).block();
    assertThat(next.seq()).isEqualTo(BUCKET_SIZE + 3);
    assertThat(second.head(conversationId).block()).isEqualTo(BUCKET_SIZE + 3);
  }

  @Test
  void aNewConversationHasHeadZeroAndAnUnknownOneHasNone() {
    assertThat(messages.head(newConversation()).block()).isZero();
    assertThat(messages.head("no-such-" + UUID.randomUUID()).blockOptional()).isEmpty();
  }

  @Test
  void anAppendPastItsDeadlineIsRefused() {
    String conversationId = newConversation();
    var refused = messages.append(draft(conversationId, "late"), 0, Instant.now().minusSeconds(1));
    assertThatThrownBy(refused::block).hasMessageContaining("retry");
    assertThat(messages.head(conversationId).block()).isZero();
  }

  /** The head hint is only a hint (never above the head): a failure to write it must not fail a stored message. */
  @Test
  void aHeadHintThatCannotBeWrittenDoesNotFailTheAppend() {
    String conversationId = newConversation();
    CassandraMessageStore store = new CassandraMessageStore(failing(session, "SET head_hint"), properties);

    Message first = store.append(draft(conversationId, "starts bucket 0"), 0, FAR).block();

    assertThat(first.seq()).isEqualTo(1L);
    assertThat(messages.head(conversationId).block()).isEqualTo(1L);
    assertThat(store.head(conversationId).block()).isEqualTo(1L);
  }

  /**
   * P5: the committed head is read at LOCAL_SERIAL, which completes an append Paxos accepted but
   * did not commit before it answers (a plain read would not see it, and a retry would store the
   * message again).
   */
  @Test
  void theCommittedHeadIsReadAtLocalSerial() {
    String conversationId = newConversation();
    List<ConsistencyLevel> levels = Collections.synchronizedList(new ArrayList<>());
    CassandraMessageStore store = new CassandraMessageStore(recording(session, "SELECT head_seq", levels), properties);
    store.append(draft(conversationId, "one"), 0, FAR).block();
    store.append(draft(conversationId, "two"), 1, FAR).block();

    levels.clear();
    assertThat(store.committedHead(conversationId).block()).isEqualTo(2L);
    assertThat(levels).isNotEmpty().containsOnly(ConsistencyLevel.LOCAL_SERIAL);
    levels.clear();
    assertThat(store.head(conversationId).block()).isEqualTo(2L);
    assertThat(levels).doesNotContain(ConsistencyLevel.LOCAL_SERIAL);
  }

  /** The session, noting the consistency level of each statement whose CQL contains {@code cql}. */
  private static CqlSession recording(CqlSession session, String cql,
      List<ConsistencyLevel> levels) {
    return (CqlSession) Proxy.newProxyInstance(CqlSession.class.getClassLoader(),
        new Class<?>[] {CqlSession.class}, (proxy, method, args) -> {
          if (method.getName().equals("executeAsync") && args[0] instanceof BoundStatement bound
              && bound.getPreparedStatement().getQuery().contains(cql)) {
            // Null: the session's configured consistency (LOCAL_QUORUM).
            levels.add(bound.getConsistencyLevel());
          }
          try {
            return method.invoke(session, args);
          } catch (InvocationTargetException failed) {
            throw failed.getCause();
          }
        });
  }

  /** The session, except that statements whose CQL contains {@code cql} time out. */
  private static CqlSession failing(CqlSession session, String cql) {
    return (CqlSession) Proxy.newProxyInstance(CqlSession.class.getClassLoader(),
        new Class<?>[] {CqlSession.class}, (proxy, method, args) -> {
          if (method.getName().equals("executeAsync") && args[0] instanceof BoundStatement bound
              && bound.getPreparedStatement().getQuery().contains(cql)) {
            return CompletableFuture.failedFuture(
                new DriverTimeoutException("injected: " + cql + " timed out"));
          }
          try {
            return method.invoke(session, args);
          } catch (InvocationTargetException failed) {
            throw failed.getCause();
          }
        });
  }

  private String newConversation() {
    String id = UUID.randomUUID().toString();
    conversations.create(new Conversation(id, ConversationType.GROUP, "t", "alice", Instant.now(), List.of("alice"))).block();
    return id;
  }

  private static MessageDraft draft(String conversationId, String body) {
    return new MessageDraft(conversationId, UUID.randomUUID().toString(), "c-" + body, "alice", "text", body,
        Instant.parse("2026-11-24T12:00:00Z"));
  }

  private static List<Long> seqs(List<Message> found) {
    return found.stream().map(Message::seq).toList();
  }
}
