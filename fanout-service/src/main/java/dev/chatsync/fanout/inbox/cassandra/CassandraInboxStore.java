package dev.chatsync.fanout.inbox.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.InboxKind;
import dev.chatsync.fanout.FanoutProperties;
import dev.chatsync.fanout.inbox.InboxStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.stereotype.Repository;

@Repository
class CassandraInboxStore implements InboxStore {

  /** Statements per batch: an inbox row is about 150 bytes, so a batch stays near 8 KB. */
  static final int BATCH = 50;

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
    updateState = session.prepare("UPDATE inbox_state SET head_seq = ?, applied = applied + ? WHERE user_id = ?");
    updateConversation = session.prepare("UPDATE conversations_by_user SET last_seq = ?, last_active_at = ? "
        + "WHERE user_id = ? AND conversation_id = ?");
    updateReadConversation = session.prepare("UPDATE conversations_by_user SET read_seq = ? WHERE user_id = ? AND conversation_id = ?");
    updateOwnConversation = session.prepare("UPDATE conversations_by_user SET last_seq = ?, last_active_at = ?, own_last_seq = ? "
        + "WHERE user_id = ? AND conversation_id = ?");
  }

  @Override
  public CompletionStage<OptionalLong> append(String userId, List<InboxAppend> entries) {
    return readState(userId, entries).thenCompose(state -> {
      Plan plan = plan(userId, entries, state);
      if (plan.rows().isEmpty()) {
        return CompletableFuture.completedFuture(OptionalLong.empty());
      }
      // The entries first, then the list, then the state. A crash in between leaves entries above
      // the head with the state unmoved; the redelivered records then find them unapplied and
      // rewrite the same entries at the same seqs (P2), since stage 2 sees a user's records in the
      // same order every time and assigns seqs from the state alone.
      return executeAll(plan.rows())
          .thenCompose(written -> executeAll(plan.listUpdates()))
          .thenCompose(listed -> execute(updateState.bind(plan.head(), plan.applied(), userId)))
          .thenApply(stored -> OptionalLong.of(plan.head()));
    });
  }

  /** The head and, for each kind and conversation among the entries, the progress applied so far. */
  private record State(long head, Map<String, Long> applied) {}

  private CompletionStage<State> readState(String userId, List<InboxAppend> entries) {
    Set<String> keys = new LinkedHashSet<>();
    entries.forEach(entry -> keys.add(InboxKind.progressKey(entry.kind(), entry.conversationId())));
    Map<String, CompletableFuture<Row>> reads = new LinkedHashMap<>();
    keys.forEach(key -> reads.put(key, execute(selectState.bind(key, userId)).thenApply(AsyncResultSet::one)));
    return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
      long head = 0;
      Map<String, Long> applied = new HashMap<>();
      for (var read : reads.entrySet()) {
        Row row = read.getValue().join();
        head = row == null || row.isNull("head_seq") ? 0 : row.getLong("head_seq");
        applied.put(read.getKey(), row == null || row.isNull("applied_seq") ? 0 : row.getLong("applied_seq"));
      }
      return new State(head, applied);
    });
  }

  /** What the entries change: new rows at head + 1..., list updates and progress. */
  private record Plan(long head, List<BatchableStatement<?>> rows, List<BatchableStatement<?>> listUpdates,
      Map<String, Long> applied) {}

  private Plan plan(String userId, List<InboxAppend> entries, State state) {
    long head = state.head();
    Map<String, Long> applied = new HashMap<>(state.applied());
    Map<String, Long> moved = new HashMap<>();
    List<BatchableStatement<?>> rows = new ArrayList<>();
    Map<String, ListUpdate> list = new LinkedHashMap<>();
    for (InboxAppend entry : entries) {
      String key = InboxKind.progressKey(entry.kind(), entry.conversationId());
      if (entry.progress() <= applied.getOrDefault(key, 0L)) {
        continue;
      }
      head++;
      applied.put(key, entry.progress());
      moved.put(key, entry.progress());
      rows.add(insertEntry(entry, head));
      list.computeIfAbsent(entry.conversationId(), conversation -> new ListUpdate()).add(entry);
    }
    List<BatchableStatement<?>> listUpdates = new ArrayList<>();
    list.forEach((conversationId, update) -> update.statements(userId, conversationId, listUpdates));
    return new Plan(head, rows, listUpdates, moved);
  }

  /**
   * The conversation list follows the inbox's message and read entries; each kind comes in seq
   * order, so only the furthest values of a batch are written. Membership changes update the list
   * themselves (message-service), and receipts, or a kind newer than this code, do not show in it.
   */
  private final class ListUpdate {
    private long lastSeq;
    private Instant lastActiveAt;
    private long ownLastSeq;
    private long readSeq;

    void add(InboxAppend entry) {
      if (InboxKind.READ.wireName().equals(entry.kind())) {
        readSeq = Math.max(readSeq, entry.conversationSeq());
      } else if (InboxKind.MESSAGE.wireName().equals(entry.kind()) && entry.conversationSeq() > lastSeq) {
        lastSeq = entry.conversationSeq();
        lastActiveAt = Instant.ofEpochMilli(entry.sentAtMillis());
        if (entry.userId().equals(entry.senderId())) {
          ownLastSeq = entry.conversationSeq();
        }
      }
    }

    void statements(String userId, String conversationId, List<BatchableStatement<?>> into) {
      if (lastSeq > 0) {
        into.add(ownLastSeq > 0
            ? updateOwnConversation.bind(lastSeq, lastActiveAt, ownLastSeq, userId, conversationId)
            : updateConversation.bind(lastSeq, lastActiveAt, userId, conversationId));
      }
      if (readSeq > 0) {
        into.add(updateReadConversation.bind(readSeq, userId, conversationId));
      }
    }
  }

  /** Absent values stay unset: a bound null would write a tombstone into every entry. */
  private BatchableStatement<?> insertEntry(InboxAppend entry, long seq) {
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
   * One partition's statements, in unlogged batches of at most {@link #BATCH} (one write each, far
   * below Cassandra's batch size limits), one after the other.
   */
  private CompletableFuture<?> executeAll(List<BatchableStatement<?>> statements) {
    CompletableFuture<?> done = CompletableFuture.completedFuture(null);
    for (int from = 0; from < statements.size(); from += BATCH) {
      List<BatchableStatement<?>> chunk = statements.subList(from, Math.min(statements.size(), from + BATCH));
      Statement<?> write = chunk.size() == 1 ? chunk.get(0) : BatchStatement.newInstance(BatchType.UNLOGGED, chunk);
      done = done.thenCompose(previous -> execute(write));
    }
    return done;
  }

  private CompletableFuture<AsyncResultSet> execute(Statement<?> statement) {
    return session.executeAsync(statement).toCompletableFuture();
  }
}
