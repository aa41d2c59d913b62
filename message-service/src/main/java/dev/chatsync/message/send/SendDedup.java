package dev.chatsync.message.send;

import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * Durable memory of sends by (conversation, sender, clientMsgId), so that a retried send creates
 * nothing new and gets the first answer again (P5).
 */
public interface SendDedup {

  record Key(String conversationId, String senderId, String clientMsgId) {}

  /** What a claim found. */
  sealed interface Claim {}

  /** The caller owns the send now and must append {@code messageId}. */
  record Owned(Instant claimedAt) implements Claim {}

  /** The send was completed before: answer with this. */
  record Completed(long seq, String messageId, Instant sentAt) implements Claim {}

  /** Another attempt claimed the send and has not completed it (it may be running, or dead). */
  record Pending(String messageId, Instant claimedAt, long headAtClaim) implements Claim {}

  /**
   * Claims the send atomically: of concurrent claims of one key exactly one is {@link Owned}.
   * {@code headAtClaim} is the conversation head before the append, where a search for the
   * message starts if the owner dies.
   */
  Mono<Claim> claim(Key key, String messageId, long headAtClaim, Instant claimedAt);

  /** Records the outcome; later claims find it {@link Completed}. Idempotent. */
  Mono<Void> complete(Key key, long seq, Instant sentAt);

  /**
   * Takes over a pending send whose owner let its lease pass, atomically: true for exactly one of
   * concurrent takers, and only if nobody changed the claim since it was read.
   */
  Mono<Boolean> takeOver(Key key, Instant expectedClaimedAt, long headAtClaim, Instant claimedAt);
}
