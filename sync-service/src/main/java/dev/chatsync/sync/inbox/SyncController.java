package dev.chatsync.sync.inbox;

import dev.chatsync.contracts.identity.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
class SyncController {

  private final SyncService sync;

  SyncController(SyncService sync) {
    this.sync = sync;
  }

  @GetMapping("/api/v1/sync")
  Mono<SyncPage> sync(Caller caller, @RequestParam(required = false) Long after, @RequestParam(required = false) Integer limit) {
    return sync.sync(caller, after, limit);
  }
}
