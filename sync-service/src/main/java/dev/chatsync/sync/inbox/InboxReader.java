package dev.chatsync.sync.inbox;

import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/** Reads users' inboxes and the messages they refer to. */
public interface InboxReader {

  /** The user's inbox head and low-water mark, from one small read (never the entries). */
  Mono<InboxBounds> bounds(String userId);

  /** Up to {@code limit} entries of the user's inbox with {@code after < seq <= upTo}, ascending. */
  Mono<List<InboxEntry>> entriesAfter(String userId, long after, long upTo, int limit);

  /**
   * The messages at the given seqs of the conversation's storage timeline, by seq; a seq that is
   * not there is missing from the map. Each comes at least at the version given for its seq: a
   * message remembered at an older version is read again (an entry never shows a state older than
   * the change it announces).
   */
  Mono<Map<Long, Message>> messages(String conversationId, Map<Long, Integer> atLeast);
}
