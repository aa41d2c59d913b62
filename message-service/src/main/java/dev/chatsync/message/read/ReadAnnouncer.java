package dev.chatsync.message.read;

import dev.chatsync.contracts.ReadMoved;
import reactor.core.publisher.Mono;

/**
 * Tells the fanout that a read position moved: it puts a read entry in the reader's inbox, for
 * their other devices, and receipt entries in the inboxes of the senders of the newly read messages.
 */
public interface ReadAnnouncer {

  Mono<Void> announce(ReadMoved moved);
}
