package dev.chatsync.contracts;

/** What an inbox entry tells a device (API.md, "Sync"). */
public enum InboxKind {
  MESSAGE("message");

  private final String wireName;

  InboxKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
