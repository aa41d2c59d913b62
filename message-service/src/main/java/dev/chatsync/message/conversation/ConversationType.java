package dev.chatsync.message.conversation;

import java.util.Locale;

public enum ConversationType {
  DIRECT, GROUP;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type a client named, or null when it named none we know. */
  static ConversationType fromWire(String name) {
    for (ConversationType type : values()) {
      if (type.wireName().equals(name)) {
        return type;
      }
    }
    return null;
  }
}
