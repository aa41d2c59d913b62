package dev.chatsync.sync.inbox;

import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Reads users' inboxes and the messages they refer to. */
public interface InboxReader {

  /** Up to {@code limit} entries of the user's inbox with seq greater than {@code after}, ascending. */
  Mono<List<InboxEntry>> entriesAfter(String userId, long after, int limit);

  /** The message at {@code seq} of the conversation's storage timeline, if it is there. */
  Mono<Optional<Message>> message(String conversationId, long seq);
}
