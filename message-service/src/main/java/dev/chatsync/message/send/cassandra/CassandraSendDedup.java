package dev.chatsync.message.send.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.send.SendDedup;
import java.time.Instant;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

@Repository
class CassandraSendDedup implements SendDedup {

  private static final String KEY = "conversation_id = ? AND sender_id = ? AND client_msg_id = ?";

  private final CqlSession session;
  private final int ttlSeconds;
  private final PreparedStatement claim;
  private final PreparedStatement complete;
  private final PreparedStatement takeOver;

  CassandraSendDedup(CqlSession session, MessageProperties properties) {
    this.session = session;
    this.ttlSeconds = Math.toIntExact(properties.dedupTtl().toSeconds());
    claim = session.prepare("INSERT INTO send_dedup (conversation_id, sender_id, client_msg_id, message_id, claimed_at, "
        + "head_at_claim) VALUES (?, ?, ?, ?, ?, ?) IF NOT EXISTS USING TTL ?");
    // Same TTL as the claim: an UPDATE without one would leave these cells behind forever.
    complete = session.prepare("UPDATE send_dedup USING TTL ? SET seq = ?, sent_at = ? WHERE " + KEY);
    takeOver = session.prepare("UPDATE send_dedup USING TTL ? SET claimed_at = ?, head_at_claim = ? WHERE " + KEY
        + " IF claimed_at = ? AND seq = null");
  }

  @Override
  public Mono<Claim> claim(Key key, String messageId, long headAtClaim, Instant claimedAt) {
    return execute(claim.bind(key.conversationId(), key.senderId(), key.clientMsgId(), messageId, claimedAt, headAtClaim,
        ttlSeconds)).map(result -> result.wasApplied() ? new Owned(claimedAt) : existing(result.one()));
  }

  private static Claim existing(Row row) {
    if (!row.isNull("seq")) {
      return new Completed(row.getLong("seq"), row.getString("message_id"), row.getInstant("sent_at"));
    }
    return new Pending(row.getString("message_id"), row.getInstant("claimed_at"), row.getLong("head_at_claim"));
  }

  @Override
  public Mono<Void> complete(Key key, long seq, Instant sentAt) {
    return execute(complete.bind(ttlSeconds, seq, sentAt, key.conversationId(), key.senderId(), key.clientMsgId())).then();
  }

  @Override
  public Mono<Boolean> takeOver(Key key, Instant expectedClaimedAt, long headAtClaim, Instant claimedAt) {
    return execute(takeOver.bind(ttlSeconds, claimedAt, headAtClaim, key.conversationId(), key.senderId(), key.clientMsgId(),
        expectedClaimedAt)).map(AsyncResultSet::wasApplied);
  }

  private Mono<AsyncResultSet> execute(Statement<?> statement) {
    return Mono.fromCompletionStage(() -> session.executeAsync(statement));
  }
}
