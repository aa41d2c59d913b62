package dev.chatsync.fanout.inbox.cassandra;

import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.InboxKind;
import dev.chatsync.fanout.inbox.PlannedEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user's conversation list follows the inbox's message, channel-activity and read entries; each kind comes in
 * seq order, so only the furthest values of a write are written. Membership changes update the
 * list themselves (message-service), and receipts, or a kind newer than this code, do not show in
 * it.
 *
 * <p>Each update carries the write's planned time as its Cassandra timestamp, so an older value
 * that lands late loses to any write of the same cell planned after it. A stalled owner that wakes
 * up and plans a write of an older value only then (its successor wrote the newer one before it
 * woke) sets that list position back until the conversation's next entry for the user: the list
 * summarises the inbox, which stays exact, and message-service writes {@code last_active_at} with
 * the clock too, so these cells cannot carry the inbox's head as their timestamp.
 */
final class ConversationListUpdates {

  private final PreparedStatement delivered;
  private final PreparedStatement deliveredOwn;
  private final PreparedStatement read;

  ConversationListUpdates(PreparedStatement delivered, PreparedStatement deliveredOwn, PreparedStatement read) {
    this.delivered = delivered;
    this.deliveredOwn = deliveredOwn;
    this.read = read;
  }

  static final String DELIVERED = "UPDATE conversations_by_user USING TIMESTAMP ? SET last_seq = ?, last_active_at = ? "
      + "WHERE user_id = ? AND conversation_id = ?";
  static final String DELIVERED_OWN = "UPDATE conversations_by_user USING TIMESTAMP ? SET last_seq = ?, last_active_at = ?, "
      + "own_last_seq = ? WHERE user_id = ? AND conversation_id = ?";
  static final String READ = "UPDATE conversations_by_user USING TIMESTAMP ? SET read_seq = ? WHERE user_id = ? "
      + "AND conversation_id = ?";

  List<BatchableStatement<?>> of(String userId, List<PlannedEntry> entries, long timestampMicros) {
    Map<String, Furthest> byConversation = new LinkedHashMap<>();
    for (PlannedEntry planned : entries) {
      byConversation.computeIfAbsent(planned.entry().conversationId(), id -> new Furthest()).add(planned.entry());
    }
    List<BatchableStatement<?>> statements = new ArrayList<>();
    byConversation.forEach((conversationId, furthest) -> {
      if (furthest.lastSeq > 0) {
        statements.add(furthest.ownLastSeq > 0
            ? deliveredOwn.bind(timestampMicros, furthest.lastSeq, furthest.lastActiveAt, furthest.ownLastSeq, userId, conversationId)
            : delivered.bind(timestampMicros, furthest.lastSeq, furthest.lastActiveAt, userId, conversationId));
      }
      if (furthest.readSeq > 0) {
        statements.add(read.bind(timestampMicros, furthest.readSeq, userId, conversationId));
      }
    });
    return statements;
  }

  private static final class Furthest {
    long lastSeq;
    Instant lastActiveAt;
    long ownLastSeq;
    long readSeq;

    void add(InboxAppend entry) {
      if (InboxKind.READ.wireName().equals(entry.kind())) {
        readSeq = Math.max(readSeq, entry.conversationSeq());
      } else if ((InboxKind.MESSAGE.wireName().equals(entry.kind()) || InboxKind.CHANNEL_ACTIVITY.wireName().equals(entry.kind()))
          && entry.conversationSeq() > lastSeq) {
        lastSeq = entry.conversationSeq();
        lastActiveAt = Instant.ofEpochMilli(entry.sentAtMillis());
        if (entry.userId().equals(entry.senderId())) {
          ownLastSeq = entry.conversationSeq();
        }
      }
    }
  }
}
