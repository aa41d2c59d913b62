package dev.chatsync.message.read;

import reactor.core.publisher.Mono;

/** How far each member has read each conversation. */
public interface ReadCursors {

  /**
   * Moves the member's read position to {@code upTo} if that is further, atomically with respect
   * to the member's other devices: it never moves back. True if it moved.
   */
  Mono<Boolean> advance(String conversationId, String userId, long upTo);
}
