package dev.chatsync.sync.inbox;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.InFlightLimit;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.contracts.web.openapi.ErrorResponses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Sync", description = "The inbox every device of a user reads")
class SyncController {

  private final SyncService sync;
  /**
   * Pages past this many in flight are refused before they read or acknowledge anything: queued,
   * at 500 pages a second on two cores they waited seconds and then failed by the thousand for
   * want of a store connection.
   */
  private final InFlightLimit pages;
  /** 410s: devices that were away longer than the inbox keeps entries, and rebuild from history. */
  private final Counter expired;

  SyncController(SyncService sync, InboxProperties properties, MeterRegistry meters) {
    this.sync = sync;
    this.expired = CursorExpiries.counter(meters, "sync");
    this.pages = new InFlightLimit(properties.maxPagesInFlight(), "chat.inbox.max-pages-in-flight", "chat.sync.pages",
        "/sync pages", meters);
  }

  @GetMapping("/api/v1/sync")
  @Operation(summary = "Read the inbox after a seq", description = "The entries after `after` (0 by default) in seq order, "
      + "at most `limit` (500). Asking after X acknowledges everything up to X for this device. A page stops before an "
      + "entry that is still being written; it is never skipped.")
  @ErrorResponses({400, 410})
  Mono<SyncPage> sync(Caller caller, @RequestParam(required = false) Long after, @RequestParam(required = false) Integer limit) {
    SyncService.PageRequest request = SyncService.PageRequest.of(after, limit);
    return pages.admit(Mono.defer(() -> sync.sync(caller, request)).doOnError(CursorExpiries::is, gone -> expired.increment()),
        () -> Problems.overloaded(
        "This instance has as many /sync pages in flight as it takes; retry after Retry-After seconds from the same cursor."));
  }
}
