package dev.chatsync.message.read;

import reactor.core.publisher.Mono;

/** Tells all the reader's devices, through their inbox, how far the reader has read. */
public interface ReadAnnouncer {

  Mono<Void> announce(String userId, String conversationId, long upTo);
}
