package dev.chatsync.message.send.owner.cassandra;

import static dev.chatsync.contracts.StorageTimeline.bucketOf;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.send.SendDedup.Key;
import dev.chatsync.message.send.owner.OwnedTimeline;
import dev.chatsync.message.timeline.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public class CassandraOwnedTimeline implements OwnedTimeline {

  private static final Logger log = LoggerFactory.getLogger(CassandraOwnedTimeline.class);
  private static final String COLUMNS = "seq, message_id, client_msg_id, sender_id, type, body, sent_at";

  private final CqlSession session;
  private final int dedupTtlSeconds;
  private final PreparedStatement setHead;
  private final PreparedStatement insertMessage;
  private final PreparedStatement selectMessage;
  private final PreparedStatement updateHint;
  private final PreparedStatement selectSend;
  private final PreparedStatement recordSend;

  public CassandraOwnedTimeline(CqlSession session, MessageProperties properties) {
    this.session = session;
    this.dedupTtlSeconds = Math.toIntExact(properties.dedupTtl().toSeconds());
    setHead = session.prepare("UPDATE messages_by_conversation SET head_seq = ? WHERE conversation_id = ? AND bucket = ?");
    // Every column bound, none left unset: a later owner's row at the same seq replaces all of a
    // stalled owner's (P3).
    insertMessage = session.prepare("INSERT INTO messages_by_conversation (conversation_id, bucket, " + COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    selectMessage = session.prepare("SELECT " + COLUMNS + " FROM messages_by_conversation WHERE conversation_id = ? "
        + "AND bucket = ? AND seq = ?");
    updateHint = session.prepare("UPDATE conversations SET head_hint = ? WHERE conversation_id = ?");
    selectSend = session.prepare("SELECT message_id, seq, sent_at FROM send_dedup WHERE conversation_id = ? AND sender_id = ? "
        + "AND client_msg_id = ?");
    recordSend = session.prepare("INSERT INTO send_dedup (conversation_id, sender_id, client_msg_id, message_id, seq, sent_at) "
        + "VALUES (?, ?, ?, ?, ?, ?) USING TTL ?");
  }

  /**
   * The head's bucket gets the head again, or no head at all for a conversation without messages;
   * the next bucket, when a stalled owner's batch could reach it, gets no head (a tombstone): to
   * every reader an empty bucket after a full one, never a value below its first seq. The hint
   * gets the head, so that a stalled owner's late move of it, to a bucket the new owner has not
   * reached, loses too (a hint above the head would make readers miss messages).
   */
  @Override
  public Mono<Void> fence(String conversationId, long head, long reach, long timestamp) {
    long bucket = bucketOf(head);
    Mono<Void> fenced = Mono.when(
        execute(setHead.bind(head == 0 ? null : head, conversationId, bucket).setQueryTimestamp(timestamp)),
        execute(updateHint.bind(head, conversationId).setQueryTimestamp(timestamp)));
    if (bucketOf(head + reach) > bucket) {
      fenced = fenced.then(execute(setHead.bind(null, conversationId, bucket + 1).setQueryTimestamp(timestamp)).then());
    }
    return fenced;
  }

  @Override
  public Mono<Void> append(List<Message> messages, long timestamp) {
    List<List<Message>> byBucket = new ArrayList<>();
    for (Message message : messages) {
      List<Message> current = byBucket.isEmpty() ? null : byBucket.get(byBucket.size() - 1);
      if (current == null || bucketOf(current.get(0).seq()) != bucketOf(message.seq())) {
        current = new ArrayList<>();
        byBucket.add(current);
      }
      current.add(message);
    }
    return Flux.fromIterable(byBucket).concatMap(run -> appendToBucket(run, timestamp)).then();
  }

  private Mono<Void> appendToBucket(List<Message> run, long timestamp) {
    Message last = run.get(run.size() - 1);
    String conversationId = last.conversationId();
    long bucket = bucketOf(last.seq());
    BatchStatementBuilder batch = BatchStatement.builder(BatchType.UNLOGGED);
    for (Message message : run) {
      batch.addStatement(insertMessage.bind(conversationId, bucket, message.seq(), message.messageId(), message.clientMsgId(),
          message.senderId(), message.type(), message.body(), message.sentAt()));
    }
    batch.addStatement(setHead.bind(last.seq(), conversationId, bucket));
    Mono<Void> appended = execute(batch.setQueryTimestamp(timestamp).build()).then();
    boolean startsBucket = bucketOf(run.get(0).seq() - 1) != bucket;
    return startsBucket ? appended.then(moveHint(conversationId, last.seq(), timestamp)) : appended;
  }

  /**
   * Only a shortcut for head readers (never above the head); failing to move it fails no send. At
   * the batch's timestamp: a stalled owner's late move loses to the next owner's fence.
   */
  private Mono<Void> moveHint(String conversationId, long seq, long timestamp) {
    return execute(updateHint.bind(seq, conversationId).setQueryTimestamp(timestamp)).then().onErrorResume(failure -> {
      log.atWarn().addKeyValue("conversationId", conversationId).log("moving the head hint of " + conversationId + " to "
          + seq + " failed; readers start from an older bucket: " + failure);
      return Mono.empty();
    });
  }

  @Override
  public Mono<Optional<Message>> at(String conversationId, long seq) {
    return execute(selectMessage.bind(conversationId, bucketOf(seq), seq)).map(result -> {
      Row row = result.one();
      return Optional.ofNullable(row).map(found -> new Message(conversationId, found.getLong("seq"),
          found.getString("message_id"), found.getString("client_msg_id"), found.getString("sender_id"),
          found.getString("type"), found.getString("body"), found.getInstant("sent_at")));
    });
  }

  @Override
  public Mono<Optional<Recorded>> findSend(Key key) {
    return execute(selectSend.bind(key.conversationId(), key.senderId(), key.clientMsgId())).map(result -> {
      Row row = result.one();
      if (row == null || row.isNull("seq")) {
        // A claim the earlier send path left without its seq: that path's sends are over or never
        // completed; the timeline check of the caller decides.
        return Optional.empty();
      }
      return Optional.of(new Recorded(row.getLong("seq"), row.getString("message_id"), row.getInstant("sent_at")));
    });
  }

  @Override
  public Mono<Void> recordSend(Message message, long timestamp) {
    return execute(recordSend.bind(message.conversationId(), message.senderId(), message.clientMsgId(), message.messageId(),
        message.seq(), message.sentAt(), dedupTtlSeconds).setQueryTimestamp(timestamp)).then();
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
