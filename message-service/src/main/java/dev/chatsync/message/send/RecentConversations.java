package dev.chatsync.message.send;

import java.time.Instant;
import reactor.core.publisher.Mono;

/** Marks a conversation as having sends now, for the republisher (P1). */
public interface RecentConversations {

  /** Idempotent; must complete before the append it announces. */
  Mono<Void> touch(String conversationId, Instant at);
}
