package dev.chatsync.message.sweep;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The changes the sweeper finishes: each is a Cassandra write followed by more writes and a Kafka record. */
public enum ChangeKind {
  /** An add or removal: the member row, its join point, the conversation list, the membership entry. */
  MEMBERSHIP,
  /** A read: the member's read position, then ReadMoved on chat.reads. */
  READ,
  /** An edit or recall: the message row, then MessageChanged on chat.message-changes; the subject is the seq. */
  MESSAGE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind of a noted change; empty for one this version does not know (noted by a newer version). */
  public static Optional<ChangeKind> fromWire(String name) {
    return Arrays.stream(values()).filter(kind -> kind.wireName().equals(name)).findFirst();
  }
}
