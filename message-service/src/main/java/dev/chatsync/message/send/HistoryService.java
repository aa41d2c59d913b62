package dev.chatsync.message.send;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** History from the storage timeline, limited to the seqs from which the caller is a member (P6). */
@Service
public class HistoryService {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  private final Membership membership;
  private final MessageStore messages;

  HistoryService(Membership membership, MessageStore messages) {
    this.membership = membership;
    this.messages = messages;
  }

  /**
   * With {@code before} (or neither bound): the newest messages below it. With only
   * {@code after}: the oldest messages above it. Items are always ascending by seq.
   */
  public Mono<HistoryPage> history(Caller caller, String conversationId, Long before, Long after, Integer limit) {
    int pageSize = limit == null ? DEFAULT_LIMIT : limit;
    if (pageSize < 1 || pageSize > MAX_LIMIT) {
      return Mono.error(Problems.invalid("limit", "must be between 1 and " + MAX_LIMIT));
    }
    if (before != null && before < 1) {
      return Mono.error(Problems.invalid("before", "must be a seq of at least 1"));
    }
    if (after != null && after < 0) {
      return Mono.error(Problems.invalid("after", "must be a seq of at least 0"));
    }
    boolean newestFirst = before != null || after == null;
    return membership.requireReader(conversationId, caller.userId()).flatMap(span -> messages.head(conversationId)
        .defaultIfEmpty(0L)
        .flatMap(head -> {
          long lower = Math.max(after == null ? 0 : after, span.joinedSeq());
          // A former member reads up to the seq they were removed at, nothing after it (P6).
          long last = span.leftSeq() == null ? head : Math.min(head, span.leftSeq());
          long upper = Math.min(before == null ? last + 1 : before, last + 1);
          return messages.range(conversationId, lower, upper, pageSize + 1, newestFirst);
        })
        .map(found -> page(found, pageSize, newestFirst)));
  }

  private static HistoryPage page(List<Message> found, int pageSize, boolean newestFirst) {
    List<Message> items = new ArrayList<>(found.subList(0, Math.min(pageSize, found.size())));
    if (newestFirst) {
      Collections.reverse(items);
    }
    return new HistoryPage(items, found.size() > pageSize);
  }
}
