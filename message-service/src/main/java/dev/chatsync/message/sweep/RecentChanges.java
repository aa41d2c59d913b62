package dev.chatsync.message.sweep;

import java.time.Instant;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The sweeper's worklist: membership and read changes by the minute they were begun in, spread
 * over {@link #SHARDS} shards. Rows expire; nothing is ever deleted from it, on read or otherwise.
 */
public interface RecentChanges {

  int SHARDS = 8;

  /** How long a noted change is kept: the longest look-back a sweeper may have. */
  int TTL_SECONDS = 24 * 3600;

  /** Counts noted changes the sweeper skipped, tagged with why ({@code reason}). */
  String SKIPPED_METRIC = "chat.messages.sweep.skipped";

  static long minuteOf(Instant at) {
    return at.getEpochSecond() / 60;
  }

  static int shardOf(String conversationId, String subject) {
    return Math.floorMod((conversationId + "/" + subject).hashCode(), SHARDS);
  }

  /**
   * Notes the change in the minute of {@code at}. Idempotent (a repeat in the same minute moves
   * {@code at} on); must complete before the change's first write, so that a request that dies
   * after any write has left a note (P1).
   */
  Mono<Void> note(ChangeKind kind, String conversationId, String subject, Instant at);

  /**
   * The changes noted in one shard of a minute, streamed page by page. A row of a kind this version
   * does not know (noted by a newer version) is skipped, logged and counted ({@link #SKIPPED_METRIC}),
   * never an error: the rows after it are still found.
   */
  Flux<NotedChange> in(long minute, int shard);
}
