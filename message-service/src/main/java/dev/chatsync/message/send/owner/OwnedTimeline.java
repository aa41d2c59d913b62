package dev.chatsync.message.send.owner;

import dev.chatsync.message.send.SendDedup.Key;
import dev.chatsync.message.timeline.Message;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * The owner's writes: plain (unconditional) writes that carry the permit's timestamp, so that of
 * two owners of a slot the later one's writes win wherever they meet, whatever lands last.
 */
public interface OwnedTimeline {

  /** What the durable send record says a send became. */
  record Recorded(long seq, String messageId, Instant sentAt) {}

  /**
   * Fences the conversation for a new owner: rewrites its head (and its head hint) where an earlier
   * owner could still move them ({@code head}'s bucket, and the next one if {@code reach} more seqs
   * would enter it), at {@code timestamp}, so a late write of a stalled earlier owner loses (P4).
   */
  Mono<Void> fence(String conversationId, long head, long reach, long timestamp);

  /**
   * Appends consecutive messages, each bucket's rows and its new head in one single-partition
   * batch (atomic and isolated: a reader never sees the head before the rows), bucket after
   * bucket in seq order.
   */
  Mono<Void> append(List<Message> messages, long timestamp);

  /** The message stored at {@code seq}, if any (readers trust only seqs at or below the head). */
  Mono<Optional<Message>> at(String conversationId, long seq);

  Mono<Optional<Recorded>> findSend(Key key);

  /** Records what a send became (P5); idempotent. */
  Mono<Void> recordSend(Message message, long timestamp);
}
