package dev.chatsync.fanout.inbox.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
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
    // DISTINCT reads only the static head, not the (possibly expired) entries of the partition.
    selectHead = session.prepare("SELECT DISTINCT user_id, head_seq FROM inbox_by_user WHERE user_id = ?");
    insertEntry = session.prepare("INSERT INTO inbox_by_user (user_id, inbox_seq, kind, conversation_id, conversation_seq, "
        + "message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?");
    // No TTL on the head: inbox seqs must never restart after the entries expire.
    updateHead = session.prepare("UPDATE inbox_by_user SET head_seq = ? WHERE user_id = ?");
  }

  @Override
  public long append(InboxAppend entry) {
    Row head = session.execute(selectHead.bind(entry.userId())).one();
    long seq = (head == null || head.isNull("head_seq") ? 0 : head.getLong("head_seq")) + 1;
    session.execute(BatchStatement.newInstance(BatchType.LOGGED,
        insertEntry.bind(entry.userId(), seq, entry.kind(), entry.conversationId(), entry.conversationSeq(),
            entry.messageId(), Instant.now(), ttlSeconds),
        updateHead.bind(seq, entry.userId())));
    return seq;
  }
}
