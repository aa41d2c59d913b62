package dev.chatsync.message.send.cassandra;

import static dev.chatsync.contracts.StorageTimeline.bucketOf;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.send.Message;
import dev.chatsync.message.send.MessageStore;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

@Repository
class CassandraMessageStore implements MessageStore {

  private static final String COLUMNS = "seq, message_id, client_msg_id, sender_id, type, body, sent_at";

  private final CqlSession session;
  private final int allocationAttempts;
  private final PreparedStatement selectHead;
  private final PreparedStatement advanceHead;
  private final PreparedStatement insertMessage;
  private final PreparedStatement rangeNewestFirst;
  private final PreparedStatement rangeOldestFirst;

  CassandraMessageStore(CqlSession session, MessageProperties properties) {
    this.session = session;
    this.allocationAttempts = properties.seqAllocationAttempts();
    selectHead = session.prepare("SELECT head_seq FROM conversations WHERE conversation_id = ?");
    // Compare-and-set on the head: of two instances that read the same head, one wins and the
    // other retries from the head the failed attempt returns (P3: seqs never collide).
    advanceHead = session.prepare("UPDATE conversations SET head_seq = ? WHERE conversation_id = ? IF head_seq = ?");
    insertMessage = session.prepare("INSERT INTO messages_by_conversation (conversation_id, bucket, " + COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    String range = "SELECT " + COLUMNS + " FROM messages_by_conversation WHERE conversation_id = ? AND bucket = ? "
        + "AND seq > ? AND seq < ? ORDER BY seq ";
    rangeNewestFirst = session.prepare(range + "DESC LIMIT ?");
    rangeOldestFirst = session.prepare(range + "ASC LIMIT ?");
  }

  @Override
  public Mono<Long> allocateSeq(String conversationId) {
    return head(conversationId).flatMap(head -> advance(conversationId, head, allocationAttempts));
  }

  private Mono<Long> advance(String conversationId, long expected, int attemptsLeft) {
    if (attemptsLeft == 0) {
      return Mono.error(Problems.unavailable("Too many concurrent sends into conversation " + conversationId + "; retry."));
    }
    return execute(advanceHead.bind(expected + 1, conversationId, expected)).flatMap(result -> {
      if (result.wasApplied()) {
        return Mono.just(expected + 1);
      }
      Row current = result.one();
      return current == null || current.isNull("head_seq")
          ? Mono.empty()
          : advance(conversationId, current.getLong("head_seq"), attemptsLeft - 1);
    });
  }

  @Override
  public Mono<Void> append(Message m) {
    return execute(insertMessage.bind(m.conversationId(), bucketOf(m.seq()), m.seq(), m.messageId(), m.clientMsgId(),
        m.senderId(), m.type(), m.body(), m.sentAt())).then();
  }

  @Override
  public Mono<Long> head(String conversationId) {
    return execute(selectHead.bind(conversationId)).mapNotNull(result -> {
      Row row = result.one();
      return row == null || row.isNull("head_seq") ? null : row.getLong("head_seq");
    });
  }

  @Override
  public Mono<List<Message>> range(String conversationId, long lowerExclusive, long upperExclusive, int limit, boolean newestFirst) {
    if (upperExclusive - lowerExclusive <= 1) {
      return Mono.just(List.of());
    }
    long firstBucket = newestFirst ? bucketOf(upperExclusive - 1) : bucketOf(lowerExclusive + 1);
    return readBuckets(conversationId, firstBucket, lowerExclusive, upperExclusive, limit, newestFirst, new ArrayList<>());
  }

  /** One bucket at a time, in paging order, until the page is full or the range is exhausted. */
  private Mono<List<Message>> readBuckets(String conversationId, long bucket, long lower, long upper, int limit,
      boolean newestFirst, List<Message> found) {
    boolean pastRange = newestFirst ? bucket < bucketOf(lower + 1) : bucket > bucketOf(upper - 1);
    if (found.size() >= limit || pastRange) {
      return Mono.just(found);
    }
    PreparedStatement query = newestFirst ? rangeNewestFirst : rangeOldestFirst;
    return execute(query.bind(conversationId, bucket, lower, upper, limit - found.size())).flatMap(result -> {
      result.currentPage().forEach(row -> found.add(toMessage(conversationId, row)));
      return readBuckets(conversationId, newestFirst ? bucket - 1 : bucket + 1, lower, upper, limit, newestFirst, found);
    });
  }

  private static Message toMessage(String conversationId, Row row) {
    return new Message(conversationId, row.getLong("seq"), row.getString("message_id"), row.getString("client_msg_id"),
        row.getString("sender_id"), row.getString("type"), row.getString("body"), row.getInstant("sent_at"));
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
