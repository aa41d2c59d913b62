package dev.chatsync.message.send;

import java.util.List;
import reactor.core.publisher.Mono;

/** A conversation's storage timeline and its seq counter. */
public interface MessageStore {

  /**
   * Allocates the next seq of a conversation, atomically across all message-service instances:
   * never returns the same seq twice and never a smaller one than before (P3). A seq whose append
   * never happens is a permanent, harmless hole. Empty if the conversation does not exist; an
   * error if contention outlasted the configured attempts.
   */
  Mono<Long> allocateSeq(String conversationId);

  /** Stores a message under its seq. Idempotent: appending the same message again changes nothing. */
  Mono<Void> append(Message message);

  /** The last seq allocated in the conversation, or empty if it does not exist. */
  Mono<Long> head(String conversationId);

  /**
   * Up to {@code limit} messages with {@code lowerExclusive < seq < upperExclusive}, the ones
   * nearest {@code upperExclusive} when {@code newestFirst} (returned newest first), else the ones
   * nearest {@code lowerExclusive} (returned oldest first). Reads bucket by bucket, never more
   * than {@code limit} rows at once (P7).
   */
  Mono<List<Message>> range(String conversationId, long lowerExclusive, long upperExclusive, int limit, boolean newestFirst);
}
