package dev.chatsync.message.member;

import reactor.core.publisher.Mono;

/** How far fanout stage 1 has expanded a conversation; read here, written only by the fanout. */
public interface FanoutProgress {

  /** Every message up to this seq has been handed to stage 2 (0 if none has). */
  Mono<Long> fanned(String conversationId);
}
