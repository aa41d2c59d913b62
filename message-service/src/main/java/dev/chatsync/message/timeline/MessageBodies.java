package dev.chatsync.message.timeline;

import dev.chatsync.contracts.web.Problems;
import java.nio.charset.StandardCharsets;
import org.springframework.web.ErrorResponseException;

/** What a message body must be, sent or edited. */
public final class MessageBodies {

  private MessageBodies() {}

  /** 400 for a missing or empty body, 413 for one over {@code maxBytes} of UTF-8; null for a good one. */
  public static ErrorResponseException problemWith(String body, int maxBytes) {
    if (body == null || body.isEmpty()) {
      return Problems.invalid("body", "must not be empty");
    }
    int bytes = body.getBytes(StandardCharsets.UTF_8).length;
    return bytes > maxBytes ? Problems.tooLarge("body", "must be at most " + maxBytes + " bytes of UTF-8, was " + bytes) : null;
  }
}
