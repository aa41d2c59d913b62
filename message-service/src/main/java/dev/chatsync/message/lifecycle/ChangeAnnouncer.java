package dev.chatsync.message.lifecycle;

import dev.chatsync.contracts.MessageChanged;
import reactor.core.publisher.Mono;

/** Tells the fanout that a message was edited or recalled: every member who has it gets a message-updated entry. */
public interface ChangeAnnouncer {

  Mono<Void> announce(MessageChanged change);
}
