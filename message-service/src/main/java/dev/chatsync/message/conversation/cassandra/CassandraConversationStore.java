package dev.chatsync.message.conversation.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PagingState;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.message.conversation.Conversation;
import dev.chatsync.message.conversation.ConversationStore;
import dev.chatsync.message.conversation.ConversationSummary;
import dev.chatsync.message.conversation.ConversationType;
import dev.chatsync.message.conversation.Member;
import dev.chatsync.message.conversation.MemberPage;
import dev.chatsync.message.conversation.Mute;
import dev.chatsync.message.conversation.UserConversation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.StreamSupport;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
class CassandraConversationStore implements ConversationStore {

  /** Members per single-partition batch: well under Cassandra's batch size warning. */
  private static final int MEMBERS_PER_BATCH = 50;

  private final CqlSession session;
  private final PreparedStatement insertMember;
  private final PreparedStatement insertByUser;
  private final PreparedStatement selectByUser;
  private final PreparedStatement insertConversation;
  private final PreparedStatement claimDirect;
  private final PreparedStatement selectConversation;
  private final PreparedStatement insertPartner;
  private final PreparedStatement selectMembers;
  private final PreparedStatement selectMember;
  private final PreparedStatement selectMemberPage;
  private final PreparedStatement selectCount;

  CassandraConversationStore(CqlSession session) {
    this.session = session;
    insertMember = session.prepare("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, joined_at, "
        + "membership_version) VALUES (?, ?, ?, ?, 1)");
    insertByUser = session.prepare("INSERT INTO conversations_by_user (user_id, conversation_id, joined_seq, last_seq, "
        + "last_active_at, read_seq) VALUES (?, ?, 0, 0, ?, 0)");
    selectByUser = session.prepare("SELECT conversation_id, joined_seq, last_seq, last_active_at, read_seq, own_last_seq, left_seq, "
        + "muted, muted_until "
        + "FROM conversations_by_user WHERE user_id = ?");
    // head_hint 0 is always a valid hint, so rewriting the row of a live conversation is harmless.
    insertConversation = session.prepare("INSERT INTO conversations (conversation_id, type, title, creator_id, created_at, head_hint) "
        + "VALUES (?, ?, ?, ?, ?, 0)");
    claimDirect = session.prepare("INSERT INTO direct_conversations (pair_key, conversation_id) VALUES (?, ?) IF NOT EXISTS");
    selectConversation = session.prepare("SELECT type, title, creator_id, created_at FROM conversations WHERE conversation_id = ?");
    // Removed members keep their row (with left_seq); they are no longer members.
    insertPartner = session.prepare("INSERT INTO direct_partners (user_id, partner_id, conversation_id) VALUES (?, ?, ?)");
    selectMembers = session.prepare("SELECT user_id, left_seq FROM conversation_members WHERE conversation_id = ?");
    selectMemberPage = session.prepare("SELECT user_id, joined_seq, left_seq FROM conversation_members WHERE conversation_id = ?");
    selectCount = session.prepare("SELECT member_count FROM conversation_members WHERE conversation_id = ? LIMIT 1");
    selectMember = session.prepare("SELECT joined_seq, left_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
  }

  @Override
  public Mono<Void> create(Conversation c) {
    Flux<Statement<?>> memberBatches = Flux.fromIterable(chunks(c.members(), MEMBERS_PER_BATCH)).map(chunk -> {
      BatchStatementBuilder batch = BatchStatement.builder(BatchType.UNLOGGED);
      chunk.forEach(user -> batch.addStatement(insertMember.bind(c.conversationId(), user, 0L, c.createdAt())));
      return batch.build();
    });
    Flux<Statement<?>> byUser = Flux.fromIterable(c.members())
        .map(user -> insertByUser.bind(user, c.conversationId(), c.createdAt()));
    // Direct partners see each other's presence (sync-service reads them).
    Flux<Statement<?>> partners = c.type() != ConversationType.DIRECT || c.members().size() != 2 ? Flux.empty()
        : Flux.just(insertPartner.bind(c.members().get(0), c.members().get(1), c.conversationId()),
            insertPartner.bind(c.members().get(1), c.members().get(0), c.conversationId()));
    return Flux.concat(memberBatches, byUser, partners)
        .flatMap(this::execute, 16)
        .then(execute(insertConversation.bind(c.conversationId(), c.type().wireName(), c.title(), c.creatorId(), c.createdAt())))
        .then();
  }

  @Override
  public Mono<String> claimDirect(String pairKey, String candidateId) {
    return execute(claimDirect.bind(pairKey, candidateId))
        .map(result -> result.wasApplied() ? candidateId : result.one().getString("conversation_id"));
  }

  @Override
  public Mono<Optional<Conversation>> find(String conversationId) {
    Mono<Optional<Row>> row = execute(selectConversation.bind(conversationId)).map(result -> Optional.ofNullable(result.one()));
    return row.flatMap(found -> found.isEmpty()
        ? Mono.just(Optional.<Conversation>empty())
        : members(conversationId).map(members -> Optional.of(toConversation(conversationId, found.get(), members))));
  }

  @Override
  public Mono<MemberPage> members(String conversationId, int limit, String pageToken) {
    return Mono.defer(() -> {
      BoundStatement page = selectMemberPage.bind(conversationId).setPageSize(limit);
      if (pageToken != null) {
        // A safe paging state: one given for another statement or altered is refused (IllegalArgumentException).
        page = page.setPagingState(PagingState.fromString(pageToken), session);
      }
      return execute(page);
    }).map(result -> {
      List<Member> members = StreamSupport.stream(result.currentPage().spliterator(), false)
          .filter(row -> row.isNull("left_seq"))
          .map(row -> new Member(conversationId, row.getString("user_id"), longOrZero(row, "joined_seq")))
          .toList();
      PagingState next = result.hasMorePages() ? result.getExecutionInfo().getSafePagingState() : null;
      return new MemberPage(members, next == null ? null : next.toString());
    });
  }

  @Override
  public Mono<OptionalInt> memberCount(String conversationId) {
    return execute(selectCount.bind(conversationId)).map(result -> {
      Row row = result.one();
      return row == null || row.isNull("member_count") ? OptionalInt.empty() : OptionalInt.of(row.getInt("member_count"));
    });
  }

  @Override
  public Mono<Optional<MembershipSpan>> span(String conversationId, String userId) {
    return execute(selectMember.bind(conversationId, userId)).map(result -> Optional.ofNullable(result.one())
        .map(row -> new MembershipSpan(longOrZero(row, "joined_seq"), row.isNull("left_seq") ? null : row.getLong("left_seq"))));
  }

  @Override
  public Mono<Optional<Member>> member(String conversationId, String userId) {
    return execute(selectMember.bind(conversationId, userId))
        .map(result -> Optional.ofNullable(result.one())
            .filter(row -> row.isNull("left_seq"))
            .map(row -> new Member(conversationId, userId, row.getLong("joined_seq"))));
  }

  @Override
  public Mono<Optional<ConversationSummary>> summary(String conversationId) {
    return execute(selectConversation.bind(conversationId)).map(result -> Optional.ofNullable(result.one())
        .map(row -> new ConversationSummary(conversationId, ConversationType.valueOf(row.getString("type").toUpperCase(Locale.ROOT)),
            row.getString("title"), row.getString("creator_id"))));
  }

  @Override
  public Flux<UserConversation> ofUser(String userId) {
    return execute(selectByUser.bind(userId)).expand(page -> page.hasMorePages()
            ? Mono.fromCompletionStage(page.fetchNextPage())
            : Mono.empty())
        .concatMapIterable(AsyncResultSet::currentPage)
        .filter(row -> row.isNull("left_seq"))
        .map(row -> new UserConversation(row.getString("conversation_id"), longOrZero(row, "joined_seq"),
            longOrZero(row, "last_seq"), row.getInstant("last_active_at"), longOrZero(row, "read_seq"),
            longOrZero(row, "own_last_seq"), new Mute(!row.isNull("muted") && row.getBoolean("muted"), row.getInstant("muted_until"))));
  }

  private static long longOrZero(Row row, String column) {
    return row.isNull(column) ? 0 : row.getLong(column);
  }

  private Mono<List<String>> members(String conversationId) {
    return execute(selectMembers.bind(conversationId)).expand(page -> page.hasMorePages()
            ? Mono.fromCompletionStage(page.fetchNextPage())
            : Mono.empty())
        .concatMapIterable(AsyncResultSet::currentPage)
        .filter(row -> row.isNull("left_seq"))
        .map(row -> row.getString("user_id"))
        .collectList();
  }

  private static Conversation toConversation(String id, Row row, List<String> members) {
    return new Conversation(id, ConversationType.valueOf(row.getString("type").toUpperCase(Locale.ROOT)),
        row.getString("title"), row.getString("creator_id"), row.getInstant("created_at"), members);
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }

  private static <T> List<List<T>> chunks(List<T> items, int size) {
    List<List<T>> chunks = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) {
      chunks.add(items.subList(i, Math.min(items.size(), i + size)));
    }
    return chunks;
  }
}
