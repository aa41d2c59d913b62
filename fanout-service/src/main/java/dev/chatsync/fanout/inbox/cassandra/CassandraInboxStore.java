package dev.chatsync.fanout.inbox.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.fanout.FanoutProperties;
import dev.chatsync.fanout.inbox.InboxStore;
import java.time.Instant;
import org.springframework.stereotype.Repository;

@Repository
class CassandraInboxStore implements InboxStore {

  private final CqlSession session;
  private final int ttlSeconds;
  private final PreparedStatement selectHead;
  private final PreparedStatement insertEntry;
  private final PreparedStatement updateHead;

  CassandraInboxStore(CqlSession session, FanoutProperties properties) {
    this.session = session;
    this.ttlSeconds = Math.toIntExact(properties.inboxTtl().toSeconds());
    selectHead = session.prepare("SELECT head_seq FROM inbox_state WHERE user_id = ?");
    insertEntry = session.prepare("INSERT INTO inbox_by_user (user_id, inbox_seq, kind, conversation_id, conversation_seq, "
        + "message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?");
    updateHead = session.prepare("UPDATE inbox_state SET head_seq = ? WHERE user_id = ?");
  }

  @Override
  public long append(InboxAppend entry) {
    Row head = session.execute(selectHead.bind(entry.userId())).one();
    long seq = (head == null || head.isNull("head_seq") ? 0 : head.getLong("head_seq")) + 1;
    // The entry first, then the head. A crash in between leaves the entry at head + 1 with the head
    // unmoved; the redelivered record then rewrites the same entry at the same seq (P2).
    session.execute(insertEntry.bind(entry.userId(), seq, entry.kind(), entry.conversationId(), entry.conversationSeq(),
        entry.messageId(), Instant.now(), ttlSeconds));
    session.execute(updateHead.bind(seq, entry.userId()));
    return seq;
  }
}
