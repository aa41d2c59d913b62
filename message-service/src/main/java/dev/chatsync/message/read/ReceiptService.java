package dev.chatsync.message.read;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.read.ReadCursors.MemberPosition;
import dev.chatsync.message.send.Membership;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * {@code GET /conversations/{id}/messages/{seq}/receipts}: who has read a message, derived from
 * the members' read positions (docs/design.md, "The ideas"): a member has read message s when their
 * read_seq >= s. There is no row per message per reader. The audience of a message is the current
 * members who were members when it was sent, less its sender.
 */
@Service
public class ReceiptService {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  public record Receipts(long readCount, long unreadCount, List<String> readers, String nextPageToken) {}

  private final Membership membership;
  private final MessageStore messages;
  private final ReadCursors cursors;

  ReceiptService(Membership membership, MessageStore messages, ReadCursors cursors) {
    this.membership = membership;
    this.messages = messages;
    this.cursors = cursors;
  }

  public Mono<Receipts> receipts(Caller caller, String conversationId, long seq, Integer limit, String pageToken) {
    int pageSize = limit == null ? DEFAULT_LIMIT : limit;
    if (pageSize < 1 || pageSize > MAX_LIMIT) {
      return Mono.error(Problems.invalid("limit", "must be between 1 and " + MAX_LIMIT));
    }
    if (seq < 1) {
      return Mono.error(Problems.invalid("seq", "must be a seq of at least 1"));
    }
    String after;
    try {
      after = PageToken.decode(pageToken);
    } catch (IllegalArgumentException malformed) {
      return Mono.error(Problems.invalid("pageToken", "is not a token this service gave out"));
    }
    return membership.require(conversationId, caller.userId())
        // P6: a member sees nothing from before they joined, receipts included.
        .flatMap(member -> seq <= member.joinedSeq()
            ? Mono.error(Problems.notFound("No message " + seq + " in conversation " + conversationId + " for you."))
            : messages.range(conversationId, seq - 1, seq + 1, 1, false))
        .flatMap(found -> found.isEmpty()
            ? Mono.error(Problems.notFound("No message " + seq + " in conversation " + conversationId + "."))
            : cursors.positions(conversationId)
                .reduceWith(() -> new Tally(found.get(0), after, pageSize), Tally::add)
                .map(Tally::receipts));
  }

  /**
   * The counts and one page of readers, from the positions streamed in user id order: only the
   * page is kept, however large the group (P7).
   */
  private static final class Tally {
    private final Message message;
    private final String after;
    private final int pageSize;
    private final List<String> page = new ArrayList<>();
    private int audience;
    private int readers;
    private boolean more;

    Tally(Message message, String after, int pageSize) {
      this.message = message;
      this.after = after;
      this.pageSize = pageSize;
    }

    Tally add(MemberPosition position) {
      if (!position.isCurrent() || position.joinedSeq() >= message.seq() || position.userId().equals(message.senderId())) {
        return this;
      }
      audience++;
      if (position.readSeq() < message.seq()) {
        return this;
      }
      readers++;
      if (after == null || position.userId().compareTo(after) > 0) {
        if (page.size() < pageSize) {
          page.add(position.userId());
        } else {
          more = true;
        }
      }
      return this;
    }

    Receipts receipts() {
      String next = more ? PageToken.encode(page.get(page.size() - 1)) : null;
      return new Receipts(readers, audience - readers, List.copyOf(page), next);
    }
  }

  /** Opaque to clients: the last reader of the previous page (readers are in user id order). */
  static final class PageToken {

    private PageToken() {}

    static String encode(String lastReader) {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(("v1:" + lastReader).getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String token) {
      if (token == null || token.isEmpty()) {
        return null;
      }
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (!raw.startsWith("v1:") || raw.length() == 3) {
        throw new IllegalArgumentException("not a page token");
      }
      return raw.substring(3);
    }
  }
}
