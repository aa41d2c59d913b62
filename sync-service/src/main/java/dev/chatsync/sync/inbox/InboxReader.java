package dev.chatsync.sync.inbox;

import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Reads users' inboxes and the messages they refer to. */
public interface InboxReader {

  /**
   * The user's inbox head: every entry up to it is readable (stage 2 writes an entry before it
   * moves the head), unless expired. 0 for a user with no inbox yet.
   */
  Mono<Long> head(String userId);

  /** Up to {@code limit} entries of the user's inbox with seq greater than {@code after}, ascending. */
  Mono<List<InboxEntry>> entriesAfter(String userId, long after, int limit);

  /** The message at {@code seq} of the conversation's storage timeline, if it is there. */
  Mono<Optional<Message>> message(String conversationId, long seq);
}
