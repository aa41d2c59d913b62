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
import dev.chatsync.contracts.InboxKind;
import dev.chatsync.contracts.Memo;
import dev.chatsync.fanout.FanoutProperties;
import dev.chatsync.fanout.ProgressStamps;
import dev.chatsync.fanout.inbox.Arrival;
import dev.chatsync.fanout.inbox.InboxPlan;
import dev.chatsync.fanout.inbox.InboxState;
import dev.chatsync.fanout.inbox.InboxStore;
import dev.chatsync.fanout.inbox.PlannedEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stage 2's writes (see {@link InboxStore}): one plain write of the user's {@code inbox_state} row
 * allocates the seqs, moves the progress and records the entries as pending; then the entries, then
 * the conversation list. Whoever reads a state with pending entries writes them again first (the
 * same rows at the same seqs), which closes the hole a crash between the two writes leaves.
 *
 * <p>No compare-and-set fences the state but an inbox's first write ({@link #created}), and none
 * is needed: what a write holds is a function of the state it starts from and of the user's
 * records in partition order, so two writers of one inbox (an owner that stalled through a
 * rebalance and its successor) that start from states of the same history allocate the same seqs
 * to the same entries. The state is written with its head as timestamp ({@link ProgressStamps}),
 * so the furthest state stands whatever order writes land in, and each of its cells holds the
 * value of the furthest write that set it: a state read whole is one state of that history. What
 * must not happen is planning from parts of two states: a progress mark read from the store is
 * used only with the head it was read with (P1, P2, P4).
 */
@Repository
class CassandraInboxStore implements InboxStore {

  /** Statements per unlogged batch of one partition: far below Cassandra's batch size limits. */
  private static final int BATCH = 50;
  /** Reads of a state that moved under this writer before the poll fails and is retried whole. */
  private static final int ATTEMPTS = 8;
  private static final TypeReference<List<PlannedEntry>> PENDING = new TypeReference<>() {};

  private final CqlSession session;
  private final int ttlSeconds;
  private final Clock clock = Clock.systemUTC();
  /** Lenient: a newer version's pending entries may carry fields this one does not know. */
  private final JsonMapper json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private final InboxReservations reservations;
  private final ConversationListUpdates list;
  private final PreparedStatement selectState;
  private final PreparedStatement selectApplied;
  private final PreparedStatement write;
  private final PreparedStatement create;
  private final PreparedStatement writeWithHorizon;
  private final PreparedStatement insertEntry;
  private final PreparedStatement startGeneration;

  /** Rows written, repeats of a retried or replayed write included (they are the same rows). */
  private final Counter entriesWritten;

  CassandraInboxStore(CqlSession session, FanoutProperties properties, MeterRegistry meters) {
    this.session = session;
    this.entriesWritten = Counter.builder("chat.inbox.entries.written")
        .description("Inbox entries written by stage 2 (a rewrite of the same entry counts again)").register(meters);
    this.ttlSeconds = Math.toIntExact(properties.inboxTtl().toSeconds());
    this.reservations = new InboxReservations(session);
    this.list = new ConversationListUpdates(session.prepare(ConversationListUpdates.DELIVERED),
        session.prepare(ConversationListUpdates.DELIVERED_OWN), session.prepare(ConversationListUpdates.READ));
    selectState = session.prepare("SELECT head_seq, base, reserved, planned_at, horizon, pending, rebuilt_at_offset "
        + "FROM inbox_state WHERE user_id = ?");
    selectApplied = session.prepare("SELECT head_seq, applied[?] AS applied_seq FROM inbox_state WHERE user_id = ?");
    String set = "UPDATE inbox_state USING TIMESTAMP :stamp SET head_seq = :head, base = :base, reserved = :reserved, "
        + "planned_at = :planned_at, entry_ttl = :ttl, applied = applied + :applied, pending = :pending";
    String where = " WHERE user_id = :user_id";
    write = session.prepare(set + where);
    writeWithHorizon = session.prepare(set + ", horizon = :horizon" + where);
    // The whole state, so that a writer that loses the race reads all of it; the stamped write
    // that follows writes it again, above any write of an earlier life of the row.
    create = session.prepare("UPDATE inbox_state SET head_seq = :head, base = :base, reserved = :reserved, "
        + "planned_at = :planned_at, entry_ttl = :ttl, applied = :applied, pending = :pending, horizon = :horizon"
        + where + " IF head_seq = null");
    // The collection tombstone of "applied = {}" is stamped just below the write: it removes the
    // marks of every earlier state (all of lower heads), none of this one.
    startGeneration = session.prepare("UPDATE inbox_state USING TIMESTAMP :stamp SET head_seq = :base, base = :base, "
        + "reserved = :reserved, planned_at = :planned_at, entry_ttl = :ttl, applied = {}, pending = null, horizon = {}, "
        + "rebuilt_at_offset = :offset" + where);
    insertEntry = session.prepare("INSERT INTO inbox_by_user (user_id, inbox_seq, kind, conversation_id, conversation_seq, "
        + "message_id, actors, change, version, created_at) VALUES (:user_id, :inbox_seq, :kind, :conversation_id, "
        + ":conversation_seq, :message_id, :actors, :change, :version, :created_at) USING TTL :ttl");
  }

  @Override
  public CompletionStage<OptionalLong> append(String userId, List<Arrival> arrivals, Memo<String, InboxState> known) {
    InboxState remembered = known.get(userId);
    CompletionStage<InboxState> state = remembered != null ? CompletableFuture.completedFuture(remembered) : read(userId);
    return state.thenCompose(found -> attempt(userId, arrivals, found, known, ATTEMPTS)).whenComplete((head, failed) -> {
      if (failed != null) {
        // What was written is unknown: the next write reads the state (and its pending entries).
        known.forget(userId);
      }
    });
  }

  private CompletionStage<OptionalLong> attempt(String userId, List<Arrival> arrivals, InboxState state,
      Memo<String, InboxState> known, int attemptsLeft) {
    if (attemptsLeft == 0) {
      return CompletableFuture.failedFuture(new IllegalStateException("the inbox of " + userId + " kept moving under this writer"));
    }
    Supplier<CompletionStage<OptionalLong>> again = () -> {
      known.forget(userId);
      return read(userId).thenCompose(fresh -> attempt(userId, arrivals, fresh, known, attemptsLeft - 1));
    };
    return withProgressOf(userId, arrivals, state).thenCompose(planned -> planned == null
        ? again.get()
        : write(userId, arrivals, planned, known).thenCompose(head -> head == null ? again.get()
            : CompletableFuture.completedFuture(head)));
  }

  /**
   * The state with the applied progress of every kind and conversation among the arrivals. Only
   * those are read (a user's marks grow with every conversation they ever had, P7), each with the
   * head: a mark read from a state further than the one in hand (another writer's) would skip
   * entries this writer still allocates seqs for, so then the whole state is read again (P1).
   *
   * @return the state to plan from, or null if the inbox moved under this writer
   */
  private CompletionStage<InboxState> withProgressOf(String userId, List<Arrival> arrivals, InboxState state) {
    Map<String, CompletableFuture<Row>> reads = new LinkedHashMap<>();
    for (Arrival arrival : arrivals) {
      String key = arrival.entry().progressKey();
      if (state.exists() && !state.applied().containsKey(key) && !reads.containsKey(key)) {
        reads.put(key, execute(selectApplied.bind(key, userId)).thenApply(AsyncResultSet::one));
      }
    }
    if (reads.isEmpty()) {
      return CompletableFuture.completedFuture(state);
    }
    return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
      Map<String, Long> applied = new HashMap<>(state.applied());
      for (var read : reads.entrySet()) {
        Row row = read.getValue().join();
        if (row == null || row.isNull("head_seq") || row.getLong("head_seq") != state.head()) {
          return null;
        }
        applied.put(read.getKey(), row.isNull("applied_seq") ? 0L : row.getLong("applied_seq"));
      }
      return state.withApplied(applied);
    });
  }

  /** @return the new head, or null if another writer created the inbox first (then plan again) */
  private CompletionStage<OptionalLong> write(String userId, List<Arrival> arrivals, InboxState state,
      Memo<String, InboxState> known) {
    InboxPlan plan = InboxPlan.of(state, arrivals, clock.millis(), ttlSeconds);
    if (plan.isEmpty()) {
      return CompletableFuture.completedFuture(OptionalLong.empty());
    }
    return reservations.cover(userId, plan.head(), state.reserved())
        .thenCompose(reserved -> created(userId, plan, reserved).thenCompose(mine -> !mine
            ? CompletableFuture.<OptionalLong>completedFuture(null)
            : execute(stateWrite(userId, plan, reserved))
                .thenCompose(stateWritten -> writeEntries(userId, plan.entries(), plan.plannedAtMicros()))
                .thenApply(written -> {
                  // Never behind what it holds, as the store keeps the furthest state: a state
                  // further on than this one came from a later write of the same history.
                  known.remember(userId, plan.after(reserved).keepingProgressOf(arrivals),
                      (old, now) -> now.head() >= old.head() ? now : old);
                  return OptionalLong.of(plan.head());
                })));
  }

  /**
   * True if the inbox exists, or this writer just created it. A new inbox (or one whose state was
   * lost) starts above its reservation, which a writer may raise between another writer's read
   * and its write: two writers would then start two histories at different seqs. So the first
   * write of an inbox is a compare-and-set, once in the inbox's life (P2, P4).
   */
  private CompletionStage<Boolean> created(String userId, InboxPlan plan, long reserved) {
    if (plan.before().exists()) {
      return CompletableFuture.completedFuture(true);
    }
    // Every column of the new row is bound: a plan without new low-water marks starts with none.
    BoundStatementBuilder whole = create.boundStatementBuilder()
        .setMap("horizon", Map.<Long, Long>of(), Long.class, Long.class);
    return execute(withState(whole, userId, plan, reserved)).thenApply(AsyncResultSet::wasApplied);
  }

  private Statement<?> stateWrite(String userId, InboxPlan plan, long reserved) {
    return withState((plan.horizon() == null ? write : writeWithHorizon).boundStatementBuilder()
        .setLong("stamp", ProgressStamps.of(plan.head())), userId, plan, reserved);
  }

  private Statement<?> withState(BoundStatementBuilder update, String userId, InboxPlan plan, long reserved) {
    update
        .setString("user_id", userId)
        .setLong("head", plan.head())
        .setLong("base", plan.before().base())
        .setLong("reserved", reserved)
        .setLong("planned_at", plan.plannedAtMicros())
        .setInt("ttl", ttlSeconds)
        .setMap("applied", plan.applied(), String.class, Long.class)
        .setString("pending", json.writeValueAsString(plan.entries()));
    if (plan.horizon() != null) {
      update.setMap("horizon", plan.horizon(), Long.class, Long.class);
    }
    return update.build();
  }

  @Override
  public CompletionStage<Long> startGeneration(String userId, long rebuiltAtOffset) {
    return read(userId).thenCompose(state -> reservations.current(userId).thenCompose(stored -> {
      // Above everything ever allocated, by more than one poll's entries: the head stamps the
      // write, and a stage-2 writer that stalled through the rebuild may still write a state
      // from before it, at most a poll's entries above the old head (max.poll.records is far
      // below a block). So the new generation stands against it (P8).
      long base = Math.max(state.head(), Math.max(stored, state.reserved())) + InboxReservations.BLOCK;
      return reservations.cover(userId, base, stored).thenCompose(reserved -> {
        Statement<?> write = startGeneration.boundStatementBuilder()
            .setLong("stamp", ProgressStamps.of(base))
            .setString("user_id", userId)
            .setLong("base", base)
            .setLong("reserved", reserved)
            .setLong("planned_at", Math.max(clock.millis() * 1_000, state.plannedAtMicros() + 1))
            .setInt("ttl", ttlSeconds)
            .setLong("offset", rebuiltAtOffset)
            .build();
        return execute(write).thenApply(written -> base);
      });
    }));
  }

  /** The stored state, with its pending entries written (again) before anyone plans on it. */
  private CompletionStage<InboxState> read(String userId) {
    return execute(selectState.bind(userId)).thenCompose(result -> {
      Row row = result.one();
      if (row == null || row.isNull("head_seq")) {
        return reservations.current(userId).thenApply(InboxState::fresh);
      }
      InboxState state = new InboxState(true, row.getLong("head_seq"), longOrZero(row, "base"), longOrZero(row, "reserved"),
          longOrZero(row, "planned_at"), row.getMap("horizon", Long.class, Long.class), Map.of(), pending(row),
          longOrZero(row, "rebuilt_at_offset"));
      // Pending entries older than the TTL would only come back to expire again.
      boolean stale = state.plannedAtMicros() / 1_000 < clock.millis() - ttlSeconds * 1_000L;
      if (state.pending().isEmpty() || stale) {
        return CompletableFuture.completedFuture(state);
      }
      return writeEntries(userId, state.pending(), state.plannedAtMicros()).thenApply(written -> state);
    });
  }

  private List<PlannedEntry> pending(Row row) {
    String text = row.getString("pending");
    return text == null || text.isEmpty() ? List.of() : json.readValue(text, PENDING);
  }

  /**
   * The entries, then the conversation list. The same entries written twice are the same rows
   * (created_at is the write's time, not the clock's), so a repeat changes nothing a device sees.
   */
  private CompletableFuture<?> writeEntries(String userId, List<PlannedEntry> entries, long plannedAtMicros) {
    Instant createdAt = Instant.ofEpochMilli(plannedAtMicros / 1_000);
    List<BatchableStatement<?>> rows = new ArrayList<>(entries.size());
    entries.forEach(planned -> rows.add(insertEntry(userId, planned, createdAt)));
    return executeAll(rows).thenCompose(written -> {
      entriesWritten.increment(entries.size());
      return executeAll(list.of(userId, entries, plannedAtMicros));
    });
  }

  /** Absent values stay unset: a bound null would write a tombstone into every entry. */
  private BatchableStatement<?> insertEntry(String userId, PlannedEntry planned, Instant createdAt) {
    var entry = planned.entry();
    BoundStatementBuilder insert = insertEntry.boundStatementBuilder()
        .setString("user_id", userId)
        .setLong("inbox_seq", planned.seq())
        .setString("kind", entry.kind())
        .setString("conversation_id", entry.conversationId())
        .setLong("conversation_seq", entry.conversationSeq())
        .setInstant("created_at", createdAt)
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
    if (InboxKind.MESSAGE_UPDATED.wireName().equals(entry.kind())) {
      insert.setInt("version", Math.toIntExact(entry.order()));
    }
    return insert.build();
  }

  /** One partition's statements, in unlogged batches of at most {@link #BATCH}, one after the other. */
  private CompletableFuture<?> executeAll(List<BatchableStatement<?>> statements) {
    CompletableFuture<?> done = CompletableFuture.completedFuture(null);
    for (int from = 0; from < statements.size(); from += BATCH) {
      List<BatchableStatement<?>> chunk = statements.subList(from, Math.min(statements.size(), from + BATCH));
      Statement<?> write = chunk.size() == 1 ? chunk.get(0) : BatchStatement.newInstance(BatchType.UNLOGGED, chunk);
      done = done.thenCompose(previous -> execute(write));
    }
    return done;
  }

  private static long longOrZero(Row row, String column) {
    return row.isNull(column) ? 0 : row.getLong(column);
  }

  private CompletableFuture<AsyncResultSet> execute(Statement<?> statement) {
    return session.executeAsync(statement).toCompletableFuture();
  }
}
