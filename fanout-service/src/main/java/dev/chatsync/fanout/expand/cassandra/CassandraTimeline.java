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
  private final PreparedStatement newestOfBucket;

  CassandraTimeline(CqlSession session) {
    this.session = session;
    range = session.prepare("SELECT " + COLUMNS + " FROM messages_by_conversation WHERE conversation_id = ? AND bucket = ? "
        + "AND seq > ? AND seq <= ? LIMIT ?");
    newestOfBucket = session.prepare("SELECT " + COLUMNS + " FROM messages_by_conversation WHERE conversation_id = ? "
        + "AND bucket = ? ORDER BY seq DESC LIMIT 1");
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

  @Override
  public Optional<TimelineMessage> newestAfter(String conversationId, long afterSeq) {
    TimelineMessage newest = null;
    // The timeline has no holes: while a bucket is full, the newest message is in a later one.
    for (long bucket = bucketOf(afterSeq + 1); ; bucket++) {
      Row row = session.execute(newestOfBucket.bind(conversationId, bucket)).one();
      if (row == null) {
        break;
      }
      newest = toMessage(conversationId, row);
      if (newest.seq() < (bucket + 1) * BUCKET_SIZE - 1) {
        break;
      }
    }
    return Optional.ofNullable(newest).filter(message -> message.seq() > afterSeq);
  }

  private static TimelineMessage toMessage(String conversationId, Row row) {
    return new TimelineMessage(conversationId, row.getLong("seq"), row.getString("message_id"), row.getString("sender_id"),
        row.getInstant("sent_at"));
  }
}
