package dev.chatsync.fanout.expand.cassandra;

import static dev.chatsync.contracts.StorageTimeline.BUCKET_SIZE;
import static dev.chatsync.contracts.StorageTimeline.bucketOf;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.fanout.expand.Timeline;
import dev.chatsync.fanout.expand.TimelineMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Repository;

@Repository
class CassandraTimeline implements Timeline {

  private static final String COLUMNS = "seq, message_id, sender_id, sent_at";

  private final CqlSession session;
  private final PreparedStatement range;
  private final PreparedStatement headOfBucket;
  private final PreparedStatement at;

  CassandraTimeline(CqlSession session) {
    this.session = session;
    range = session.prepare("SELECT " + COLUMNS + " FROM messages_by_conversation WHERE conversation_id = ? AND bucket = ? "
        + "AND seq > ? AND seq <= ? LIMIT ?");
    headOfBucket = session.prepare("SELECT head_seq FROM messages_by_conversation WHERE conversation_id = ? AND bucket = ? "
        + "LIMIT 1");
    at = session.prepare("SELECT " + COLUMNS + " FROM messages_by_conversation WHERE conversation_id = ? AND bucket = ? "
        + "AND seq = ?");
  }

  @Override
  public List<TimelineMessage> after(String conversationId, long afterSeq, long upToSeq, int limit) {
    List<TimelineMessage> found = new ArrayList<>();
    for (long bucket = bucketOf(afterSeq + 1); bucket <= bucketOf(upToSeq) && found.size() < limit; bucket++) {
      for (Row row : session.execute(range.bind(conversationId, bucket, afterSeq, upToSeq, limit - found.size()))) {
        found.add(toMessage(conversationId, row));
      }
    }
    return found;
  }

  /**
   * The message at the head, not the newest row: rows above the head may be a stalled owner's
   * writes that were never acknowledged and that the conversation's next owner overwrites (the
   * owned send path), so only what the head covers is fanned out (P1, P4).
   */
  @Override
  public Optional<TimelineMessage> newestAfter(String conversationId, long afterSeq) {
    long head = -1;
    for (long bucket = bucketOf(afterSeq + 1); ; bucket++) {
      Row row = session.execute(headOfBucket.bind(conversationId, bucket)).one();
      // No head, or a head below the bucket's first seq: the previous bucket holds the head.
      if (row == null || row.isNull("head_seq") || row.getLong("head_seq") < bucket * BUCKET_SIZE) {
        break;
      }
      head = row.getLong("head_seq");
      // The timeline has no holes: while a bucket is full, the head is in a later one.
      if (head < (bucket + 1) * BUCKET_SIZE - 1) {
        break;
      }
    }
    if (head <= afterSeq) {
      return Optional.empty();
    }
    return Optional.ofNullable(session.execute(at.bind(conversationId, bucketOf(head), head)).one())
        .map(row -> toMessage(conversationId, row));
  }

  private static TimelineMessage toMessage(String conversationId, Row row) {
    return new TimelineMessage(conversationId, row.getLong("seq"), row.getString("message_id"), row.getString("sender_id"),
        row.getInstant("sent_at"));
  }
}
