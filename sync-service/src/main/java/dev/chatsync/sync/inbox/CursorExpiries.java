package dev.chatsync.sync.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.web.ErrorResponseException;

/** {@code chat.sync.cursor.expired{via}}: the 410s answered on /sync and on streams. */
public final class CursorExpiries {

  private CursorExpiries() {}

  public static Counter counter(MeterRegistry meters, String via) {
    return Counter.builder("chat.sync.cursor.expired").tag("via", via)
        .description("Devices told their cursor expired (410): they rebuild from the conversation list and history")
        .register(meters);
  }

  public static boolean is(Throwable failure) {
    return failure instanceof ErrorResponseException response && response.getStatusCode().value() == 410;
  }
}
