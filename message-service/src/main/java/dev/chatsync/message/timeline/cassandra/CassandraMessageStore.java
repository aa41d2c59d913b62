package dev.chatsync.message.timeline.cassandra;

import static dev.chatsync.contracts.StorageTimeline.BUCKET_SIZE;
import static dev.chatsync.contracts.StorageTimeline.bucketOf;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.contracts.StorageTimeline;
import dev.chatsync.contracts.Memo;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageDraft;
import dev.chatsync.message.timeline.MessageStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

@Repository
class CassandraMessageStore implements MessageStore {

  private static final Logger log = LoggerFactory.getLogger(CassandraMessageStore.class);
  private static final String COLUMNS = "seq, message_id, client_msg_id, sender_id, type, body, sent_at";
  /** A message's latest state: as appended, with its edits and recall. */
  static final String STATE_COLUMNS = COLUMNS + ", version, edited_body, edited_at, recalled_at, recalled_by";

  private final CqlSession session;
  private final int appendAttempts;
  private final Clock clock = Clock.systemUTC();
  /**
   * The bucket of the newest head this instance saw per conversation. Buckets only grow, so a
   * remembered one is never past the head's bucket, from any instance's appends (P3): reading the
   * head from it skips the conversation row's hint, one read of the three a send made before.
   */
  private final Memo<String, Long> headBuckets = new Memo<>(100_000);
  private final PreparedStatement selectHint;
  private final PreparedStatement updateHint;
  private final PreparedStatement selectBucketHead;
  private final PreparedStatement advanceHead;
  private final PreparedStatement startBucket;
  private final PreparedStatement insertMessage;
  private final PreparedStatement rangeNewestFirst;
  private final PreparedStatement rangeOldestFirst;

  CassandraMessageStore(CqlSession session, MessageProperties properties) {
    this.session = session;
    this.appendAttempts = properties.seqAllocationAttempts();
    selectHint = session.prepare("SELECT head_hint FROM conversations WHERE conversation_id = ?");
    updateHint = session.prepare("UPDATE conversations SET head_hint = ? WHERE conversation_id = ?");
    selectBucketHead = session.prepare("SELECT head_seq FROM messages_by_conversation WHERE conversation_id = ? AND bucket = ? LIMIT 1");
    // The two conditions of an append (P3, P4): the previous seq is this bucket's head, or, for the
    // first seq of a bucket, the bucket has no head yet (its previous seq closed the bucket before).
    advanceHead = session.prepare("UPDATE messages_by_conversation SET head_seq = ? WHERE conversation_id = ? AND bucket = ? "
        + "IF head_seq = ?");
    startBucket = session.prepare("UPDATE messages_by_conversation SET head_seq = ? WHERE conversation_id = ? AND bucket = ? "
        + "IF head_seq = null");
    insertMessage = session.prepare("INSERT INTO messages_by_conversation (conversation_id, bucket, " + COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    String range = "SELECT " + STATE_COLUMNS + " FROM messages_by_conversation WHERE conversation_id = ? AND bucket = ? "
        + "AND seq > ? AND seq < ? ORDER BY seq ";
    rangeNewestFirst = session.prepare(range + "DESC LIMIT ?");
    rangeOldestFirst = session.prepare(range + "ASC LIMIT ?");
  }

  @Override
  public Mono<Message> append(MessageDraft draft, long headSeen, Instant notAfter) {
    return attempt(draft, headSeen + 1, appendAttempts, notAfter);
  }

  private Mono<Message> attempt(MessageDraft draft, long seq, int attemptsLeft, Instant notAfter) {
    if (attemptsLeft == 0 || clock.instant().isAfter(notAfter)) {
      return Mono.error(Problems.unavailable("Too many concurrent sends into conversation " + draft.conversationId() + "; retry."));
    }
    String conversationId = draft.conversationId();
    long bucket = bucketOf(seq);
    boolean firstOfBucket = seq == 1 || seq % BUCKET_SIZE == 0;
    BoundStatement condition = firstOfBucket
        ? startBucket.bind(seq, conversationId, bucket)
        : advanceHead.bind(seq, conversationId, bucket, seq - 1);
    Message message = draft.at(seq);
    BatchStatement appendAtomically = BatchStatement.newInstance(BatchType.LOGGED, condition, insertMessage.bind(
        conversationId, bucket, seq, message.messageId(), message.clientMsgId(), message.senderId(), message.type(),
        message.body(), message.sentAt()));
    return execute(appendAtomically).flatMap(result -> {
      if (result.wasApplied()) {
        headBuckets.remember(conversationId, bucket, Math::max);
        return firstOfBucket ? moveHint(conversationId, seq).thenReturn(message) : Mono.just(message);
      }
      // Lost the race: the failed condition returns the bucket's current head; go on after it.
      Row current = result.one();
      if (current == null || current.isNull("head_seq")) {
        return head(conversationId).flatMap(head -> attempt(draft, head + 1, attemptsLeft - 1, notAfter));
      }
      return attempt(draft, current.getLong("head_seq") + 1, attemptsLeft - 1, notAfter);
    });
  }

  /**
   * The message is stored: the hint only saves later head reads a bucket or two, and a stale one
   * is still valid (it is never above the head). Failing to move it must not fail the send (P1:
   * a stored message is answered 201 and delivered).
   */
  private Mono<Void> moveHint(String conversationId, long seq) {
    return execute(updateHint.bind(seq, conversationId)).then().onErrorResume(failure -> {
      log.atWarn().addKeyValue("conversationId", conversationId).log("moving the head hint of " + conversationId + " to "
          + seq + " failed; readers start from an older bucket: " + failure);
      return Mono.empty();
    });
  }

  /**
   * From the bucket of the conversation's head hint (never above the head), bucket by bucket
   * while a bucket is full, to the bucket that holds the head.
   */
  @Override
  public Mono<Long> head(String conversationId) {
    // Null: the session's configured consistency (LOCAL_QUORUM).
    return head(conversationId, null);
  }

  /**
   * Each bucket partition read at LOCAL_SERIAL completes an append in progress in it. An append
   * is in progress only in the bucket of the head, or at the first seq of the next one when that
   * bucket is full; the walk reads both.
   */
  @Override
  public Mono<Long> committedHead(String conversationId) {
    return head(conversationId, ConsistencyLevel.LOCAL_SERIAL);
  }

  private Mono<Long> head(String conversationId, ConsistencyLevel consistency) {
    Long known = headBuckets.get(conversationId);
    // Only conversations that exist are remembered, and none is ever deleted.
    Mono<Long> head = known != null ? headFrom(conversationId, known, consistency) : headFromHint(conversationId, consistency);
    return head.doOnNext(seq -> headBuckets.remember(conversationId, bucketOf(seq), Math::max));
  }

  private Mono<Long> headFromHint(String conversationId, ConsistencyLevel consistency) {
    return execute(selectHint.bind(conversationId)).flatMap(result -> {
      Row row = result.one();
      if (row == null) {
        return Mono.empty();
      }
      long hint = row.isNull("head_hint") ? 0 : row.getLong("head_hint");
      return headFrom(conversationId, bucketOf(hint), consistency);
    });
  }

  private Mono<Long> headFrom(String conversationId, long bucket, ConsistencyLevel consistency) {
    return execute(selectBucketHead.bind(conversationId, bucket).setConsistencyLevel(consistency)).flatMap(result -> {
      Row row = result.one();
      if (row == null || row.isNull("head_seq")) {
        // An empty bucket: the head closed the bucket before it (or there is no message yet).
        return Mono.just(bucket == 0 ? 0L : bucket * BUCKET_SIZE - 1);
      }
      long head = row.getLong("head_seq");
      return head == (bucket + 1) * BUCKET_SIZE - 1 ? headFrom(conversationId, bucket + 1, consistency) : Mono.just(head);
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

  /**
   * A row read with {@link #STATE_COLUMNS}: the edited body over the first, and no body at all once
   * recalled, whatever its cells still hold (the V006 migration says why).
   */
  static Message toMessage(String conversationId, Row row) {
    boolean recalled = !row.isNull("recalled_at");
    return new Message(conversationId, row.getLong("seq"), row.getString("message_id"), row.getString("client_msg_id"),
        row.getString("sender_id"), StorageTimeline.shownType(row.getString("type"), recalled),
        StorageTimeline.shownBody(row.getString("body"), row.getString("edited_body"), recalled), row.getInstant("sent_at"),
        row.isNull("version") ? 1 : row.getInt("version"), row.getInstant("edited_at"), row.getInstant("recalled_at"),
        row.getString("recalled_by"));
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
