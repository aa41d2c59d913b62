package dev.chatsync.sync.stream;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.contracts.web.openapi.ErrorResponses;
import dev.chatsync.sync.channel.LiveMessage;
import dev.chatsync.sync.inbox.SyncEntry;
import dev.chatsync.sync.signal.PresenceEvent;
import dev.chatsync.sync.signal.TypingEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

@RestController
@Tag(name = "Sync")
class StreamController {

  private final StreamService streams;

  StreamController(StreamService streams) {
    this.streams = streams;
  }

  /** Starts after {@code Last-Event-ID} (a reconnect) or else {@code ?after=}. */
  @GetMapping(path = "/api/v1/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(summary = "Stream the inbox (server-sent events)", description = "Sends what the device has not seen, then pushes "
      + "live. Each event is `id: <inbox seq>`, `event: <kind>` (message, message-updated, read, receipt, membership, "
      + "channel-activity) and "
      + "`data: <the entry>`, as in /sync. Signals come as events without an id: `typing` (a TypingEvent) and `presence` (a "
      + "PresenceEvent); they are never stored and leave Last-Event-ID as it was. So do the messages of groups delivered by read "
      + "fanout (above chat.fanout.read-fanout-threshold members): `message` events without an id, whose data is a "
      + "LiveMessage; the device keeps them by conversation seq, and a `channel-activity` entry sends it to the history "
      + "for any it missed. A `cursor-expired` event, whose data is the "
      + "410 problem, replaces the 410 and ends the stream. A comment "
      + "line comes at least every 15 s. The server may end a stream between two events at any time: the client reconnects "
      + "with Last-Event-ID, which loses nothing and repeats nothing.")
  @ApiResponse(responseCode = "200", description = "the stream; each event's data is an inbox entry or a signal",
      content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
          schema = @Schema(anyOf = {SyncEntry.class, TypingEvent.class, PresenceEvent.class, LiveMessage.class})))
  @ErrorResponses(400)
  Flux<ServerSentEvent<Object>> stream(Caller caller, @Parameter(description = "The last inbox seq the device got (a reconnect)")
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      @Parameter(description = "Start after this inbox seq (when no Last-Event-ID); else after what the device acknowledged")
      @RequestParam(required = false) Long after, @Parameter(hidden = true) ServerHttpResponse response) {
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
