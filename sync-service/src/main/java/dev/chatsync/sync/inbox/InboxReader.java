package dev.chatsync.sync.inbox;

import java.util.Collection;
import java.util.List;
import java.util.Map;
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

  /**
   * The messages at {@code seqs} of the conversation's storage timeline, by seq; a seq that is not
   * there is missing from the map.
   */
  Mono<Map<Long, Message>> messages(String conversationId, Collection<Long> seqs);
}
