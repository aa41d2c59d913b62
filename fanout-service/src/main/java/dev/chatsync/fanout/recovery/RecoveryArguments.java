package dev.chatsync.fanout.recovery;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A recovery command line: a command and its options, as {@code --name value} or
 * {@code --name=value}. Spring's own options ({@code --spring.*}, {@code --chat.*}, ...) are left
 * to Spring.
 */
record RecoveryArguments(String command, Map<String, String> options) {

  private static final Set<String> NAMES = Set.of("since", "user", "conversation", "from-seq", "to-datetime", "group");

  static RecoveryArguments parse(String... args) {
    String command = null;
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        if (command != null) {
          throw new RecoveryException("one command at a time, not " + command + " and " + arg);
        }
        command = arg;
        continue;
      }
      String name = arg.substring(2);
      String value = null;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      }
      if (!NAMES.contains(name)) {
        if (name.contains(".")) {
          continue;
        }
        throw new RecoveryException("unknown option --" + name);
      }
      if (value == null) {
        if (i + 1 == args.length) {
          throw new RecoveryException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      options.put(name, value);
    }
    return new RecoveryArguments(command == null ? "" : command, options);
  }

  String required(String name) {
    return optional(name).orElseThrow(() -> new RecoveryException("--" + name + " is required"));
  }

  Optional<String> optional(String name) {
    return Optional.ofNullable(options.get(name));
  }

  Instant instant(String name) {
    String value = required(name);
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException invalid) {
      throw new RecoveryException("--" + name + " must be an ISO-8601 instant such as 2026-12-01T10:00:00Z, was " + value);
    }
  }

  long seq(String name) {
    String value = required(name);
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException invalid) {
      throw new RecoveryException("--" + name + " must be a seq, was " + value);
    }
  }

}
