package dev.chatsync.sync.inbox.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.contracts.InboxHorizon;
import dev.chatsync.contracts.Memo;
import dev.chatsync.contracts.StorageTimeline;
import dev.chatsync.sync.inbox.InboxBounds;
import dev.chatsync.sync.inbox.InboxEntry;
import dev.chatsync.sync.inbox.InboxProperties;
import dev.chatsync.sync.inbox.InboxReader;
import dev.chatsync.sync.inbox.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
class CassandraInboxReader implements InboxReader {

  private final CqlSession session;
  private final Clock clock = Clock.systemUTC();
  private final PreparedStatement selectBounds;
  private final PreparedStatement selectEntries;
  private final PreparedStatement selectMessages;
  /**
   * Messages this instance read in the last {@link #REMEMBERED_FOR}, so that a message to a group of
   * 100 is read once, not once per member's stream. Who may see it is still decided by each user's
   * own inbox entries. A row changes only by an edit or recall, which moves its version and reaches
   * every member as a message-updated entry with that version: a remembered message older than the
   * version an entry asks for is read again, so no entry shows a state older than the one it
   * announces. An entry that announces no version (the message's own entry, on a page without its
   * update) may show a state up to {@link #REMEMBERED_FOR} old: what a device that synced that much
   * earlier saw; nothing is kept longer, a recalled text included.
   */
  private final Memo<MessageKey, Remembered> recentMessages;

  static final Duration REMEMBERED_FOR = Duration.ofSeconds(5);

  private record MessageKey(String conversationId, long seq) {}

  private record Remembered(Message message, long atNanos) {

    boolean serves(int version, long nowNanos) {
      return message.version() >= version && nowNanos - atNanos < REMEMBERED_FOR.toNanos();
    }
  }

  CassandraInboxReader(CqlSession session, InboxProperties properties) {
    this.session = session;
    this.recentMessages = new Memo<>(properties.rememberedMessages());
    selectBounds = session.prepare("SELECT head_seq, base, horizon, entry_ttl FROM inbox_state WHERE user_id = ?");
    selectEntries = session.prepare("SELECT inbox_seq, kind, conversation_id, conversation_seq, message_id, actors, change, version "
        + "FROM inbox_by_user "
        + "WHERE user_id = ? AND inbox_seq > ? AND inbox_seq <= ? LIMIT ?");
    // One query per timeline partition for all the seqs a page needs there (a page is mostly
    // consecutive seqs of a few conversations), not one per entry.
    selectMessages = session.prepare("SELECT seq, message_id, client_msg_id, sender_id, type, body, sent_at, version, "
        + "edited_body, edited_at, recalled_at, recalled_by "
        + "FROM messages_by_conversation WHERE conversation_id = ? AND bucket = ? AND seq IN ?");
  }

  @Override
  public Mono<InboxBounds> bounds(String userId) {
    return execute(selectBounds.bind(userId)).map(result -> {
      Row row = result.one();
      if (row == null || row.isNull("head_seq")) {
        return new InboxBounds(0, 0, 0);
      }
      long head = row.getLong("head_seq");
      long base = row.isNull("base") ? 0 : row.getLong("base");
      Integer ttl = row.isNull("entry_ttl") ? null : row.getInt("entry_ttl");
      Map<Long, Long> marks = row.getMap("horizon", Long.class, Long.class);
      long now = clock.millis();
      return new InboxBounds(head, InboxHorizon.lowWater(base, head, marks, ttl, now),
          InboxHorizon.uncertainBelow(base, head, marks, ttl, now));
    });
  }

  @Override
  public Mono<List<InboxEntry>> entriesAfter(String userId, long after, long upTo, int limit) {
    return execute(selectEntries.bind(userId, after, upTo, limit)).map(result -> {
      List<InboxEntry> entries = new ArrayList<>(limit);
      // LIMIT is at most MAX_LIMIT + 1, within the driver's first page.
      for (Row row : result.currentPage()) {
        entries.add(new InboxEntry(row.getLong("inbox_seq"), row.getString("kind"), row.getString("conversation_id"),
            row.getLong("conversation_seq"), row.getString("message_id"), row.getList("actors", String.class),
            row.getString("change"), row.isNull("version") ? 0 : row.getInt("version")));
      }
      return entries;
    });
  }

  @Override
  public Mono<Map<Long, Message>> messages(String conversationId, Map<Long, Integer> atLeast) {
    Map<Long, Message> known = new HashMap<>();
    List<Long> unknown = new ArrayList<>();
    long now = System.nanoTime();
    atLeast.forEach((seq, version) -> {
      Remembered remembered = recentMessages.get(new MessageKey(conversationId, seq));
      if (remembered != null && remembered.serves(version, now)) {
        known.put(seq, remembered.message());
      } else {
        unknown.add(seq);
      }
    });
    if (unknown.isEmpty()) {
      return Mono.just(known);
    }
    Map<Long, List<Long>> byBucket = unknown.stream().collect(Collectors.groupingBy(StorageTimeline::bucketOf));
    return Flux.fromIterable(byBucket.entrySet())
        .flatMap(bucket -> execute(selectMessages.bind(conversationId, bucket.getKey(), bucket.getValue())))
        // IN over at most a page of seqs (500): within the driver's first page.
        .concatMapIterable(AsyncResultSet::currentPage)
        .map(row -> toMessage(conversationId, row))
        // The newer of two reads stays: one that raced an edit must not replace the edit's state.
        .doOnNext(message -> recentMessages.remember(new MessageKey(conversationId, message.seq()),
            new Remembered(message, System.nanoTime()),
            (old, read) -> read.message().version() >= old.message().version() ? read : old))
        .collect(() -> known, (found, message) -> found.put(message.seq(), message));
  }

  /**
   * The message's latest state: the edited body over the first, and no body at all once recalled,
   * whatever its cells still hold (message-service's V006 migration says why).
   */
  private static Message toMessage(String conversationId, Row row) {
    boolean recalled = !row.isNull("recalled_at");
    return new Message(conversationId, row.getLong("seq"), row.getString("message_id"), row.getString("client_msg_id"),
        row.getString("sender_id"), StorageTimeline.shownType(row.getString("type"), recalled),
        StorageTimeline.shownBody(row.getString("body"), row.getString("edited_body"), recalled), row.getInstant("sent_at"),
        row.isNull("version") ? 1 : row.getInt("version"), row.getInstant("edited_at"), row.getInstant("recalled_at"),
        row.getString("recalled_by"));
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
