package dev.chatsync.fanout.expand.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.chatsync.fanout.expand.MemberDirectory;
import java.util.List;
import java.util.stream.StreamSupport;
import org.springframework.stereotype.Repository;

@Repository
class CassandraMemberDirectory implements MemberDirectory {

  private final CqlSession session;
  private final PreparedStatement selectMembers;

  CassandraMemberDirectory(CqlSession session) {
    this.session = session;
    selectMembers = session.prepare("SELECT user_id, joined_seq, left_seq, earlier_spans FROM conversation_members "
        + "WHERE conversation_id = ?");
  }

  @Override
  public List<Recipient> members(String conversationId) {
    // Synchronous paging is fine here: a Kafka listener thread is a blocking thread.
    return StreamSupport.stream(session.execute(selectMembers.bind(conversationId)).spliterator(), false)
        .map(row -> new Recipient(row.getString("user_id"), row.getLong("joined_seq"),
            row.isNull("left_seq") ? null : row.getLong("left_seq"), row.getMap("earlier_spans", Long.class, Long.class)))
        .toList();
  }
}
