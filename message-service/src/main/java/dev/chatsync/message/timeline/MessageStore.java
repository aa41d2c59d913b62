package dev.chatsync.message.timeline;

import java.time.Instant;
import java.util.List;
import reactor.core.publisher.Mono;

/** A conversation's storage timeline. */
public interface MessageStore {

  /**
   * Appends the message at the conversation's next seq, allocating the seq and storing the row in
   * one atomic step, correct with any number of message-service instances sending into the same
   * conversation at once: seqs never collide, never go backwards and leave no holes (P3), and a
   * message becomes visible only after every message below it (P4). Gives up with an error when
   * contention outlasts the configured attempts or the clock passes {@code notAfter} (a later
   * attempt could race a recovering retry of the same send, see SendService).
   *
   * @param headSeen the conversation's head as the caller read it with {@link #head}, which also
   *     showed that the conversation exists: the append starts after it, and moves past it if it
   *     has grown since (a stale head costs an attempt, never a wrong seq)
   */
  Mono<Message> append(MessageDraft draft, long headSeen, Instant notAfter);

  /** The last seq appended to the conversation (0 if none), or empty if it does not exist. */
  Mono<Long> head(String conversationId);

  /**
   * The head as {@link #head}, read at LOCAL_SERIAL: an append whose conditional write was accepted
   * but not committed (its coordinator died, or the driver gave up on it) is completed by Paxos
   * first. After it, an append that started no attempt since is visible at or below the head, or
   * will never be (P5: the search for the message of a send whose owner's lease passed).
   */
  Mono<Long> committedHead(String conversationId);

  /**
   * Up to {@code limit} messages with {@code lowerExclusive < seq < upperExclusive}, the ones
   * nearest {@code upperExclusive} when {@code newestFirst} (returned newest first), else the ones
   * nearest {@code lowerExclusive} (returned oldest first). Reads bucket by bucket, never more
   * than {@code limit} rows at once (P7).
   */
  Mono<List<Message>> range(String conversationId, long lowerExclusive, long upperExclusive, int limit, boolean newestFirst);
}
