package dev.chatsync.message.sweep;

import reactor.core.publisher.Mono;

/** Finishes one kind of change whose request may have died half-way. */
public interface ChangeFinisher {

  ChangeKind kind();

  /**
   * Finishes what the last change of this kind to the subject (a member, or a message) left undone,
   * if anything, from the markers of its row. A membership change reads it at LOCAL_SERIAL (a conditional
   * write still in progress is completed by Paxos before the decision: a join point left unsettled
   * would break P1); a read at LOCAL_QUORUM (a range left unannounced by a write still in progress
   * is announced by the member's next read). Idempotent, and safe when several instances finish the
   * same change at once: stage 2 keeps one membership entry a version, one read entry a position
   * and one message-updated entry a message version (P2). Completes empty when nothing is left undone; errors if the store or the broker failed, or
   * if the change could not be finished yet (it is tried again).
   */
  Mono<Void> finish(String conversationId, String subject);
}
