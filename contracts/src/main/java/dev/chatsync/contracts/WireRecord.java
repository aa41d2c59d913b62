package dev.chatsync.contracts;

/** A record that crosses the wire and can tell whether it keeps the contract. */
public interface WireRecord {

  /** Why this record breaks the contract (a missing or impossible field), or null if it keeps it. */
  String problem();
}
