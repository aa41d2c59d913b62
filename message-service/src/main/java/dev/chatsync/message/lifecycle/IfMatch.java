package dev.chatsync.message.lifecycle;

import dev.chatsync.contracts.web.Problems;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The version an If-Match header asks for: a message's ETag is its version, quoted. */
final class IfMatch {

  private static final Pattern VERSION = Pattern.compile("(?:W/)?\"([1-9][0-9]{0,8})\"");

  private IfMatch() {}

  /**
   * The version asked for; empty without the header or with {@code *} (any version).
   *
   * @throws org.springframework.web.ErrorResponseException 400 for anything else
   */
  static Optional<Integer> version(String header) {
    if (header == null || header.isBlank() || header.strip().equals("*")) {
      return Optional.empty();
    }
    Matcher matcher = VERSION.matcher(header.strip());
    if (!matcher.matches()) {
      throw Problems.invalid("If-Match", "must be a message version as its ETag gives it, such as \"2\"");
    }
    return Optional.of(Integer.parseInt(matcher.group(1)));
  }

  static String etagOf(int version) {
    return "\"" + version + "\"";
  }
}
