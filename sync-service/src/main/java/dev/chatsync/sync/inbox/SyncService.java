package dev.chatsync.sync.inbox;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.sync.ack.DeviceCursors;
import dev.chatsync.sync.channel.ChannelWatchers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * "Give me everything after X": the pull side of delivery. A user reads only their own inbox (P6);
 * asking after X acknowledges everything up to X for the calling device (the cursor is the ACK).
 */
@Service
public class SyncService {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 500;

  private final InboxReader inbox;
  private final DeviceCursors cursors;
  private final ChannelWatchers watchers;

  SyncService(InboxReader inbox, DeviceCursors cursors, ChannelWatchers watchers) {
    this.inbox = inbox;
    this.cursors = cursors;
    this.watchers = watchers;
  }

  /** A page asked for, checked: bad input is answered 400 before anything else, under load too. */
  public record PageRequest(long after, int limit) {

    /** @throws org.springframework.web.ErrorResponseException 400, naming the bad parameter */
    public static PageRequest of(Long after, Integer limit) {
      long from = after == null ? 0 : after;
      int pageSize = limit == null ? DEFAULT_LIMIT : limit;
      if (from < 0) {
        throw Problems.invalid("after", "must be an inbox seq of at least 0");
      }
      if (pageSize < 1 || pageSize > MAX_LIMIT) {
        throw Problems.invalid("limit", "must be between 1 and " + MAX_LIMIT);
      }
      return new PageRequest(from, pageSize);
    }
  }

  public Mono<SyncPage> sync(Caller caller, PageRequest request) {
    long from = request.after();
    // The cursor is acknowledged once the page shows it is one of this inbox's (not above its head).
    return page(caller.userId(), from, request.limit(), null).flatMap(result -> from > 0
        ? cursors.acknowledge(caller.userId(), caller.deviceId(), from).thenReturn(result)
        : Mono.just(result));
  }

  /**
   * The entries after {@code after}, without acknowledging anything: for the stream, where a
   * socket write proves no delivery (docs/design.md, "The ideas").
   *
   * <p>A cursor below the inbox's low-water mark (or above its head: a cursor from before a
   * rebuild) is answered 410 from the one small read of the bounds, whatever lies below it (P7: a
   * stale cursor never makes Cassandra walk the tombstones of expired entries). Above the mark
   * every entry up to the head exists or is being written (stage 2 allocates seqs before it writes
   * the entries), so a page is the run of consecutive seqs after the cursor and stops at the first
   * one missing: it comes with a later page, never skipped (P4).
   *
   * @param knownHead an inbox head known to be written (a notification's), or null to read the
   *     bounds; a notified stream already stands on a valid cursor
   */
  public Mono<SyncPage> page(String userId, long after, int pageSize, Long knownHead) {
    if (knownHead != null) {
      return after >= knownHead ? empty(after) : inbox.entriesAfter(userId, after, knownHead, pageSize + 1).flatMap(found -> {
        List<InboxEntry> run = consecutive(found, after);
        // Nothing where the notification said: see whether the cursor is still valid.
        return run.isEmpty() ? page(userId, after, pageSize, null) : resolve(userId, run, after, pageSize);
      });
    }
    return inbox.bounds(userId).flatMap(bounds -> {
      if (after > bounds.head() || after < bounds.lowWater()) {
        return expired(after, bounds);
      }
      if (after == bounds.head()) {
        return empty(after);
      }
      return inbox.entriesAfter(userId, after, bounds.head(), pageSize + 1).flatMap(found -> {
        List<InboxEntry> run = consecutive(found, after);
        // Below the marks a missing entry expired (entries expire oldest first); above them it is being written.
        return run.isEmpty() && after < bounds.uncertainBelow() ? expired(after, bounds) : resolve(userId, run, after, pageSize);
      });
    });
  }

  private static Mono<SyncPage> empty(long after) {
    return Mono.just(new SyncPage(List.of(), after, false));
  }

  private static Mono<SyncPage> expired(long after, InboxBounds bounds) {
    return Mono.error(Problems.cursorExpired(after, bounds.head(), bounds.lowWater()));
  }

  /** The entries at after + 1, after + 2, ... up to the first seq missing. */
  private static List<InboxEntry> consecutive(List<InboxEntry> found, long after) {
    int length = 0;
    while (length < found.size() && found.get(length).seq() == after + 1 + length) {
      length++;
    }
    return found.subList(0, length);
  }

  private Mono<SyncPage> resolve(String userId, List<InboxEntry> found, long from, int pageSize) {
    List<InboxEntry> page = found.subList(0, Math.min(pageSize, found.size()));
    long nextAfter = page.isEmpty() ? from : page.get(page.size() - 1).seq();
    // Per conversation, the seqs the page shows and the newest version an entry of the page
    // announces for each: every entry of a message shows that state, its first entry included.
    Map<String, Map<Long, Integer>> wanted = new HashMap<>();
    page.stream().filter(InboxEntry::showsMessage).forEach(entry -> wanted
        .computeIfAbsent(entry.conversationId(), id -> new HashMap<>())
        .merge(entry.conversationSeq(), Math.max(1, entry.version()), Math::max));
    // The messages of each conversation in one read, the conversations concurrently; the page
    // keeps inbox order (P3, P4).
    return Flux.fromIterable(wanted.entrySet())
        .flatMap(conversation -> inbox.messages(conversation.getKey(), conversation.getValue())
            .map(messages -> Map.entry(conversation.getKey(), messages)), 16)
        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
        .map(messages -> new SyncPage(page.stream().map(entry -> toSyncEntry(entry, messages)).toList(), nextAfter,
            found.size() > pageSize))
        .flatMap(resolved -> watchAgain(userId, page).thenReturn(resolved));
  }

  /**
   * A device served a group's channel-activity entry, or the entry that added the user, has what
   * sends it to the history: the user is to be told of the group's next activity (read fanout; for
   * a group delivered by write fanout the row waits unused until the group grows past the
   * threshold). Before the page goes out, so a device that got it is never left untold (P1).
   */
  private Mono<Void> watchAgain(String userId, List<InboxEntry> page) {
    Map<String, Long> served = new HashMap<>();
    page.stream().filter(InboxEntry::sendsToHistory)
        .forEach(entry -> served.merge(entry.conversationId(), entry.conversationSeq(), Math::max));
    return served.isEmpty() ? Mono.empty() : watchers.watch(userId, served);
  }

  private static SyncEntry toSyncEntry(InboxEntry entry, Map<String, Map<Long, Message>> messages) {
    if (!entry.showsMessage()) {
      return SyncEntry.of(entry);
    }
    return SyncEntry.message(entry, messages.getOrDefault(entry.conversationId(), Map.of()).get(entry.conversationSeq()));
  }
}
