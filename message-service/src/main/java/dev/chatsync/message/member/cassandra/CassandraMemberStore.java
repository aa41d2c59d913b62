package dev.chatsync.message.member.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.message.member.MemberRecord;
import dev.chatsync.message.member.MemberStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

@Repository
class CassandraMemberStore implements MemberStore {

  private static final String KEY = " WHERE conversation_id = ? AND user_id = ?";

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement selectAll;
  private final PreparedStatement selectCount;
  private final PreparedStatement selectLeft;
  private final PreparedStatement insert;
  private final PreparedStatement rejoin;
  private final PreparedStatement leave;
  private final PreparedStatement moveCount;
  private final PreparedStatement settle;
  private final PreparedStatement markCompleted;
  private final PreparedStatement list;
  private final PreparedStatement activate;
  private final PreparedStatement unlist;

  CassandraMemberStore(CqlSession session) {
    this.session = session;
    // The write time of membership_version is the ballot of the Paxos round that made the version
    // (joined_seq's on rows from before versions existed): the timestamp of the version's list row.
    String columns = "joined_seq, left_seq, membership_version, WRITETIME(membership_version) AS version_written_at, "
        + "WRITETIME(joined_seq) AS joined_written_at, earlier_spans, settled_version, completed_version, changed_by";
    select = session.prepare("SELECT " + columns + " FROM conversation_members" + KEY);
    selectAll = session.prepare("SELECT user_id, " + columns + " FROM conversation_members WHERE conversation_id = ? AND user_id IN ?");
    selectCount = session.prepare("SELECT member_count FROM conversation_members WHERE conversation_id = ? LIMIT 1");
    selectLeft = session.prepare("SELECT left_seq FROM conversation_members WHERE conversation_id = ?");
    // A change marks its join point unsettled (an add) and itself not completed: settled_version
    // and completed_version lag its version until a retry or the sweeper finishes it.
    insert = session.prepare("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, joined_at, "
        + "membership_version, settled_version, completed_version, changed_by) VALUES (?, ?, ?, ?, 1, 0, 0, ?) IF NOT EXISTS");
    rejoin = session.prepare("UPDATE conversation_members SET joined_seq = ?, joined_at = ?, left_seq = null, earlier_spans = ?, "
        + "membership_version = ?, settled_version = ?, completed_version = ?, changed_by = ?" + KEY + " IF membership_version = ?");
    leave = session.prepare("UPDATE conversation_members SET left_seq = ?, membership_version = ?, settled_version = ?, "
        + "completed_version = ?, changed_by = ?" + KEY + " IF membership_version = ?");
    // The cap (P6, the group's size): in the same conditional batch as the member row's condition,
    // both on the conversation's partition, so one Paxos round decides both.
    moveCount = session.prepare("UPDATE conversation_members SET member_count = ? WHERE conversation_id = ? IF member_count = ?");
    // Only a current member's join point: a removed member's span is the fanout's to deliver (P1).
    settle = session.prepare("UPDATE conversation_members SET joined_seq = ?, settled_version = ?" + KEY
        + " IF membership_version = ? AND settled_version = ? AND left_seq = null");
    markCompleted = session.prepare("UPDATE conversation_members SET completed_version = ?" + KEY + " IF membership_version = ?");
    // The list columns a membership owns carry the version's write time: a later version's always
    // win, however late an older one's completion writes (stage 2 writes the row's other columns,
    // creation writes joined_seq 0 before any version's Paxos round).
    list = session.prepare("UPDATE conversations_by_user USING TIMESTAMP ? SET joined_seq = ?, left_seq = null "
        + "WHERE user_id = ? AND conversation_id = ?");
    unlist = session.prepare("UPDATE conversations_by_user USING TIMESTAMP ? SET left_seq = ? WHERE user_id = ? AND conversation_id = ?");
    // Moving the conversation up the list is not a membership's column: this instance's time.
    activate = session.prepare("UPDATE conversations_by_user SET last_active_at = ? WHERE user_id = ? AND conversation_id = ?");
  }

  @Override
  public Mono<Optional<MemberRecord>> find(String conversationId, String userId) {
    return execute(select.bind(conversationId, userId)).map(result -> Optional.ofNullable(result.one()).map(row -> toRecord(userId, row)));
  }

  @Override
  public Mono<Map<String, MemberRecord>> findAll(String conversationId, Collection<String> userIds) {
    return execute(selectAll.bind(conversationId, List.copyOf(userIds))).map(result -> {
      Map<String, MemberRecord> found = new HashMap<>();
      // At most a request's 100 users: one page.
      for (Row row : result.currentPage()) {
        found.put(row.getString("user_id"), toRecord(row.getString("user_id"), row));
      }
      return found;
    });
  }

  @Override
  public Mono<Optional<MemberRecord>> findCommitted(String conversationId, String userId) {
    return execute(select.bind(conversationId, userId).setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL))
        .map(result -> Optional.ofNullable(result.one()).map(row -> toRecord(userId, row)));
  }

  @Override
  public Mono<OptionalInt> memberCount(String conversationId) {
    return execute(selectCount.bind(conversationId)).map(result -> {
      Row row = result.one();
      return row == null || row.isNull("member_count") ? OptionalInt.empty() : OptionalInt.of(row.getInt("member_count"));
    });
  }

  @Override
  public Mono<Integer> countMembers(String conversationId) {
    return execute(selectLeft.bind(conversationId)).expand(page -> page.hasMorePages()
            ? Mono.fromCompletionStage(page.fetchNextPage())
            : Mono.empty())
        .concatMapIterable(AsyncResultSet::currentPage)
        .filter(row -> row.isNull("left_seq"))
        .count()
        .map(Math::toIntExact);
  }

  @Override
  public Mono<Boolean> insert(String conversationId, Collection<String> userIds, long joinedSeq, Instant at, String actor,
      Count count) {
    List<BatchableStatement<?>> inserts = new ArrayList<>();
    for (String userId : userIds) {
      inserts.add(insert.bind(conversationId, userId, joinedSeq, at, actor));
    }
    return changeCounted(conversationId, inserts, count);
  }

  @Override
  public Mono<Boolean> rejoin(String conversationId, MemberRecord removed, long joinedSeq, Instant at, String actor,
      Map<Long, Long> earlierSpans, Count count) {
    int version = removed.version() + 1;
    return changeCounted(conversationId, List.of(rejoin.bind(joinedSeq, at, earlierSpans, version, version - 1, version - 1, actor,
        conversationId, removed.userId(), expected(removed.version()))), count);
  }

  @Override
  public Mono<Boolean> leave(String conversationId, MemberRecord member, long leftSeq, String actor, Count count) {
    int version = member.version() + 1;
    // Nothing to settle for a removal: settled at its own version.
    return changeCounted(conversationId, List.of(leave.bind(leftSeq, version, version, version - 1, actor, conversationId,
        member.userId(), expected(member.version()))), count);
  }

  @Override
  public Mono<Boolean> settle(String conversationId, Collection<MemberRecord> members, long head) {
    return applied(batch(members.stream().<BatchableStatement<?>>map(member -> settle.bind(Math.max(head, member.joinedSeq()),
        member.version(), conversationId, member.userId(), expected(member.version()), member.settledVersion())).toList()));
  }

  @Override
  public Mono<Boolean> markCompleted(String conversationId, Collection<MemberRecord> members) {
    return applied(batch(members.stream().<BatchableStatement<?>>map(member -> markCompleted.bind(member.version(),
        conversationId, member.userId(), expected(member.version()))).toList()));
  }

  @Override
  public Mono<Void> list(String conversationId, MemberRecord member, Instant activeAt) {
    Mono<Void> listed = execute(list.bind(member.versionWrittenAt(), member.joinedSeq(), member.userId(), conversationId)).then();
    return activeAt == null ? listed : listed.then(execute(activate.bind(activeAt, member.userId(), conversationId))).then();
  }

  @Override
  public Mono<Void> unlist(String conversationId, MemberRecord member) {
    return execute(unlist.bind(member.versionWrittenAt(), member.leftSeq(), member.userId(), conversationId)).then();
  }

  private Mono<Boolean> changeCounted(String conversationId, List<BatchableStatement<?>> changes, Count count) {
    List<BatchableStatement<?>> all = new ArrayList<>(changes);
    all.add(moveCount.bind(count.next(), conversationId, count.expected()));
    return applied(batch(all));
  }

  /**
   * One conditional batch on the conversation's partition: one Paxos round decides every
   * condition in it, and either all its statements apply or none does.
   */
  private static Statement<?> batch(List<BatchableStatement<?>> statements) {
    return statements.size() == 1 ? (Statement<?>) statements.get(0) : BatchStatement.newInstance(BatchType.LOGGED, statements);
  }

  private static MemberRecord toRecord(String userId, Row row) {
    return new MemberRecord(userId, row.isNull("joined_seq") ? 0 : row.getLong("joined_seq"),
        row.isNull("left_seq") ? null : row.getLong("left_seq"), version(row), writtenAt(row),
        row.getMap("earlier_spans", Long.class, Long.class),
        row.isNull("settled_version") ? null : row.getInt("settled_version"),
        row.isNull("completed_version") ? null : row.getInt("completed_version"), row.getString("changed_by"));
  }

  /** Rows written before membership versions existed have none: version 0, compared as null. */
  private static int version(Row row) {
    return row.isNull("membership_version") ? 0 : row.getInt("membership_version");
  }

  /** When the version was made: every row has a joined_seq, written by the change that made it if nothing since. */
  private static long writtenAt(Row row) {
    return row.isNull("version_written_at") ? row.getLong("joined_written_at") : row.getLong("version_written_at");
  }

  private static Integer expected(int version) {
    return version == 0 ? null : version;
  }

  private Mono<Boolean> applied(Statement<?> statement) {
    return execute(statement).map(AsyncResultSet::wasApplied);
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
