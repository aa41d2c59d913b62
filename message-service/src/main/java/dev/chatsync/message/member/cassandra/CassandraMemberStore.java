package dev.chatsync.message.member.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.message.member.MemberRecord;
import dev.chatsync.message.member.MemberStore;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

@Repository
class CassandraMemberStore implements MemberStore {

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement insert;
  private final PreparedStatement rejoin;
  private final PreparedStatement moveJoined;
  private final PreparedStatement leave;
  private final PreparedStatement list;
  private final PreparedStatement listActive;
  private final PreparedStatement unlist;

  CassandraMemberStore(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT joined_seq, left_seq, membership_version FROM conversation_members "
        + "WHERE conversation_id = ? AND user_id = ?");
    insert = session.prepare("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, joined_at, membership_version) "
        + "VALUES (?, ?, ?, ?, 1) IF NOT EXISTS");
    rejoin = session.prepare("UPDATE conversation_members SET joined_seq = ?, joined_at = ?, left_seq = null, "
        + "earlier_spans = earlier_spans + ?, membership_version = ? WHERE conversation_id = ? AND user_id = ? "
        + "IF membership_version = ?");
    moveJoined = session.prepare("UPDATE conversation_members SET joined_seq = ? WHERE conversation_id = ? AND user_id = ? "
        + "IF membership_version = ?");
    leave = session.prepare("UPDATE conversation_members SET left_seq = ?, membership_version = ? "
        + "WHERE conversation_id = ? AND user_id = ? IF membership_version = ?");
    list = session.prepare("UPDATE conversations_by_user SET joined_seq = ?, left_seq = null "
        + "WHERE user_id = ? AND conversation_id = ?");
    listActive = session.prepare("UPDATE conversations_by_user SET joined_seq = ?, left_seq = null, last_active_at = ? "
        + "WHERE user_id = ? AND conversation_id = ?");
    unlist = session.prepare("UPDATE conversations_by_user SET left_seq = ? WHERE user_id = ? AND conversation_id = ?");
  }

  @Override
  public Mono<Optional<MemberRecord>> find(String conversationId, String userId) {
    return execute(select.bind(conversationId, userId)).map(result -> Optional.ofNullable(result.one())
        .map(row -> new MemberRecord(userId, row.isNull("joined_seq") ? 0 : row.getLong("joined_seq"),
            row.isNull("left_seq") ? null : row.getLong("left_seq"), version(row))));
  }

  @Override
  public Mono<Boolean> insert(String conversationId, String userId, long joinedSeq, Instant at) {
    return applied(insert.bind(conversationId, userId, joinedSeq, at));
  }

  @Override
  public Mono<Boolean> rejoin(String conversationId, MemberRecord removed, long joinedSeq, Instant at) {
    return applied(rejoin.bind(joinedSeq, at, Map.of(removed.joinedSeq(), removed.leftSeq()), removed.version() + 1,
        conversationId, removed.userId(), expected(removed.version())));
  }

  @Override
  public Mono<Boolean> moveJoined(String conversationId, String userId, int version, long joinedSeq) {
    return applied(moveJoined.bind(joinedSeq, conversationId, userId, expected(version)));
  }

  @Override
  public Mono<Boolean> leave(String conversationId, MemberRecord member, long leftSeq) {
    return applied(leave.bind(leftSeq, member.version() + 1, conversationId, member.userId(), expected(member.version())));
  }

  @Override
  public Mono<Void> list(String userId, String conversationId, long joinedSeq, Instant activeAt) {
    return execute(activeAt == null
        ? list.bind(joinedSeq, userId, conversationId)
        : listActive.bind(joinedSeq, activeAt, userId, conversationId)).then();
  }

  @Override
  public Mono<Void> unlist(String userId, String conversationId, long leftSeq) {
    return execute(unlist.bind(leftSeq, userId, conversationId)).then();
  }

  /** Rows written before membership versions existed have none: version 0, compared as null. */
  private static int version(Row row) {
    return row.isNull("membership_version") ? 0 : row.getInt("membership_version");
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
