package dev.chatsync.message.timeline;

import java.time.Instant;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * Edits and recalls of a conversation's stored messages. The timeline keeps one row per seq: a
 * change rewrites the message's state and moves its version, never adds a row, so seqs, unread
 * counts and read positions are untouched by it.
 */
public interface MessageChanges {

  /**
   * A message's latest state and the last version announced to the fanout. At LOCAL_SERIAL when
   * {@code serial}: a change accepted but not committed (its request died) is completed first, so
   * what is read is final (the sweeper's read).
   */
  Mono<Optional<Stored>> find(String conversationId, long seq, boolean serial);

  /**
   * Replaces the body and moves the version by one, if the message is still {@code read} (same
   * message, same version): one compare-and-set, so of concurrent changes from one state one wins.
   *
   * @return false if the message changed since it was read
   */
  Mono<Boolean> edit(Message read, String body, Instant at);

  /** Recalls the message, as {@link #edit} does, then deletes its text for good (see {@link #forgetText}). */
  Mono<Boolean> recall(Message read, String by, Instant at);

  /**
   * Deletes a recalled message's text cells, with timestamps above their own (a recall shows no
   * text whether this ran or not; this removes it from the store). Idempotent.
   */
  Mono<Void> forgetText(String conversationId, long seq);

  /** Records that {@code version} was announced; only a later version's announcement is still due (P1). */
  Mono<Void> announced(String conversationId, long seq, int version);

  /** @param announcedVersion the last version announced to the fanout; 1 if none */
  record Stored(Message message, int announcedVersion) {

    public boolean announcementDue() {
      return message.version() > announcedVersion;
    }
  }
}
