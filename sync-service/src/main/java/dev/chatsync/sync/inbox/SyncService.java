package dev.chatsync.sync.inbox;

import dev.chatsync.contracts.InboxKind;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import java.util.List;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** "Give me everything after X": the pull side of delivery. A user reads only their own inbox (P6). */
@Service
public class SyncService {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 500;

  private final InboxReader inbox;

  SyncService(InboxReader inbox) {
    this.inbox = inbox;
  }

  public Mono<SyncPage> sync(Caller caller, Long after, Integer limit) {
    long from = after == null ? 0 : after;
    int pageSize = limit == null ? DEFAULT_LIMIT : limit;
    if (from < 0) {
      return Mono.error(Problems.invalid("after", "must be an inbox seq of at least 0"));
    }
    if (pageSize < 1 || pageSize > MAX_LIMIT) {
      return Mono.error(Problems.invalid("limit", "must be between 1 and " + MAX_LIMIT));
    }
    return inbox.entriesAfter(caller.userId(), from, pageSize + 1).flatMap(found -> {
      List<InboxEntry> page = found.subList(0, Math.min(pageSize, found.size()));
      long nextAfter = page.isEmpty() ? from : page.get(page.size() - 1).seq();
      // Looks the messages up concurrently, and keeps the page in inbox order (P3, P4).
      return Flux.fromIterable(page)
          .flatMapSequential(this::resolve, 16)
          .collectList()
          .map(entries -> new SyncPage(entries, nextAfter, found.size() > pageSize));
    });
  }

  private Mono<SyncEntry> resolve(InboxEntry entry) {
    if (!InboxKind.MESSAGE.wireName().equals(entry.kind())) {
      return Mono.just(new SyncEntry(entry.seq(), entry.kind(), entry.conversationId(), null));
    }
    return inbox.message(entry.conversationId(), entry.conversationSeq())
        .map(message -> new SyncEntry(entry.seq(), entry.kind(), entry.conversationId(), message.orElse(null)));
  }
}
