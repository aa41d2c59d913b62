package dev.chatsync.sync.stream;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

@RestController
class StreamController {

  private final StreamService streams;

  StreamController(StreamService streams) {
    this.streams = streams;
  }

  /** Starts after {@code Last-Event-ID} (a reconnect) or else {@code ?after=}. */
  @GetMapping(path = "/api/v1/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  Flux<ServerSentEvent<Object>> stream(Caller caller, @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      @RequestParam(required = false) Long after, ServerHttpResponse response) {
    Long from = after;
    if (lastEventId != null && !lastEventId.isBlank()) {
      try {
        from = Long.parseLong(lastEventId.strip());
      } catch (NumberFormatException notASeq) {
        return Flux.error(Problems.invalid("Last-Event-ID", "must be an inbox seq"));
      }
    }
    // nginx-based proxies (and Gateway API implementations built on nginx) buffer responses unless
    // told not to; a buffered stream delivers its pushes late or never.
    response.getHeaders().set("X-Accel-Buffering", "no");
    return streams.stream(caller, from);
  }
}
