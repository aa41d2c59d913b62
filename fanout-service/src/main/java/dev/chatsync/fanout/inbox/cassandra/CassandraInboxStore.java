package dev.chatsync.fanout.inbox.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.InboxKind;
import dev.chatsync.fanout.FanoutProperties;
import dev.chatsync.fanout.inbox.InboxStore;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.stereotype.Repository;

@Repository
class CassandraInboxStore implements InboxStore {

  private final CqlSession session;
  private final int ttlSeconds;
  private final PreparedStatement selectState;
  private final PreparedStatement insertEntry;
  private final PreparedStatement updateState;
  private final PreparedStatement updateConversation;
  private final PreparedStatement updateOwnConversation;
  private final PreparedStatement updateReadConversation;

  CassandraInboxStore(CqlSession session, FanoutProperties properties) {
    this.session = session;
    this.ttlSeconds = Math.toIntExact(properties.inboxTtl().toSeconds());
    selectState = session.prepare("SELECT head_seq, applied[?] AS applied_seq FROM inbox_state WHERE user_id = ?");
    insertEntry = session.prepare("INSERT INTO inbox_by_user (user_id, inbox_seq, kind, conversation_id, conversation_seq, "
        + "message_id, actors, change, created_at) VALUES (:user_id, :inbox_seq, :kind, :conversation_id, :conversation_seq, "
        + ":message_id, :actors, :change, :created_at) USING TTL :ttl");
    updateState = session.prepare("UPDATE inbox_state SET head_seq = ?, applied[?] = ? WHERE user_id = ?");
    updateConversation = session.prepare("UPDATE conversations_by_user SET last_seq = ?, last_active_at = ? "
        + "WHERE user_id = ? AND conversation_id = ?");
    updateReadConversation = session.prepare("UPDATE conversations_by_user SET read_seq = ? WHERE user_id = ? AND conversation_id = ?");
    updateOwnConversation = session.prepare("UPDATE conversations_by_user SET last_seq = ?, last_active_at = ?, own_last_seq = ? "
        + "WHERE user_id = ? AND conversation_id = ?");
  }

  @Override
  public OptionalLong append(InboxAppend entry) {
    String progressKey = InboxKind.progressKey(entry.kind(), entry.conversationId());
    Row state = session.execute(selectState.bind(progressKey, entry.userId())).one();
    long head = state == null || state.isNull("head_seq") ? 0 : state.getLong("head_seq");
    long applied = state == null || state.isNull("applied_seq") ? 0 : state.getLong("applied_seq");
    if (entry.progress() <= applied) {
      return OptionalLong.empty();
    }
    long seq = head + 1;
    // The entry first, then the state. A crash in between leaves the entry at head + 1 with the
    // state unmoved; the redelivered record then finds it unapplied and rewrites the same entry at
    // the same seq (P2), since stage 2 replays a user's records in the same order.
    session.execute(insertEntry(entry, seq));
    conversationListUpdate(entry).ifPresent(session::execute);
    session.execute(updateState.bind(seq, progressKey, entry.progress(), entry.userId()));
    return OptionalLong.of(seq);
  }

  /** Absent values stay unset: a bound null would write a tombstone into every entry. */
  private BoundStatement insertEntry(InboxAppend entry, long seq) {
    BoundStatementBuilder insert = insertEntry.boundStatementBuilder()
        .setString("user_id", entry.userId())
        .setLong("inbox_seq", seq)
        .setString("kind", entry.kind())
        .setString("conversation_id", entry.conversationId())
        .setLong("conversation_seq", entry.conversationSeq())
        .setInstant("created_at", Instant.now())
        .setInt("ttl", ttlSeconds);
    if (entry.messageId() != null) {
      insert.setString("message_id", entry.messageId());
    }
    if (entry.actors() != null) {
      insert.setList("actors", entry.actors(), String.class);
    }
    if (entry.change() != null) {
      insert.setString("change", entry.change());
    }
    return insert.build();
  }

  /**
   * The conversation list follows the inbox's message and read entries; each kind comes in seq
   * order, so these values only grow. Membership changes update the list themselves
   * (message-service), and receipts do not show in it.
   */
  private Optional<BoundStatement> conversationListUpdate(InboxAppend entry) {
    Instant sentAt = Instant.ofEpochMilli(entry.sentAtMillis());
    // Only these two kinds move the list; any other, including one newer than this code (a rolling
    // deploy), goes into the inbox without it, rather than stopping the partition.
    if (InboxKind.READ.wireName().equals(entry.kind())) {
      return Optional.of(updateReadConversation.bind(entry.conversationSeq(), entry.userId(), entry.conversationId()));
    }
    if (!InboxKind.MESSAGE.wireName().equals(entry.kind())) {
      return Optional.empty();
    }
    return Optional.of(entry.userId().equals(entry.senderId())
        ? updateOwnConversation.bind(entry.conversationSeq(), sentAt, entry.conversationSeq(), entry.userId(), entry.conversationId())
        : updateConversation.bind(entry.conversationSeq(), sentAt, entry.userId(), entry.conversationId()));
  }
}
