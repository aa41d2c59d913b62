package dev.chatsync.fanout.expand.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.fanout.expand.MemberDirectory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.StreamSupport;
import org.springframework.stereotype.Repository;

@Repository
class CassandraMemberDirectory implements MemberDirectory {

  /** Members a single read names (an IN on the clustering key of one partition). */
  private static final int AMONG_AT_ONCE = 100;

  private final CqlSession session;
  private final PreparedStatement selectMembers;
  private final PreparedStatement selectCount;
  private final PreparedStatement selectAmong;

  CassandraMemberDirectory(CqlSession session) {
    this.session = session;
    selectMembers = session.prepare("SELECT user_id, joined_seq, left_seq, earlier_spans FROM conversation_members "
        + "WHERE conversation_id = ?");
    selectCount = session.prepare("SELECT member_count FROM conversation_members WHERE conversation_id = ? LIMIT 1");
    selectAmong = session.prepare("SELECT user_id, joined_seq, left_seq, earlier_spans FROM conversation_members "
        + "WHERE conversation_id = ? AND user_id IN ?");
  }

  @Override
  public List<Recipient> members(String conversationId) {
    // Synchronous paging is fine here: a Kafka listener thread is a blocking thread.
    return StreamSupport.stream(session.execute(selectMembers.bind(conversationId)).spliterator(), false)
        .map(CassandraMemberDirectory::recipient)
        .toList();
  }

  @Override
  public int memberCount(String conversationId) {
    Row row = session.execute(selectCount.bind(conversationId)).one();
    if (row != null && !row.isNull("member_count")) {
      return row.getInt("member_count");
    }
    // Never kept: a conversation whose membership has not changed since it was created (V004).
    return (int) members(conversationId).stream().filter(member -> member.leftSeq() == null).count();
  }

  @Override
  public List<Recipient> among(String conversationId, Collection<String> userIds) {
    List<String> all = List.copyOf(userIds);
    List<Recipient> found = new ArrayList<>();
    for (int from = 0; from < all.size(); from += AMONG_AT_ONCE) {
      List<String> some = all.subList(from, Math.min(all.size(), from + AMONG_AT_ONCE));
      session.execute(selectAmong.bind(conversationId, some)).forEach(row -> found.add(recipient(row)));
    }
    return found;
  }

  private static Recipient recipient(Row row) {
    return new Recipient(row.getString("user_id"), row.getLong("joined_seq"),
        row.isNull("left_seq") ? null : row.getLong("left_seq"), row.getMap("earlier_spans", Long.class, Long.class));
  }
}
