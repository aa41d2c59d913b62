package dev.chatsync.contracts;

/**
 * A record that no retry can ever handle: its bytes are not the topic's JSON, or they parse but
 * break the contract. It goes to the topic's dead-letter topic; retrying it would stall its
 * partition for good.
 */
public final class PoisonRecordException extends RuntimeException {

  /** Why: {@code malformed} (not the topic's JSON) or {@code contract} (parses, breaks the contract). */
  private final String reason;

  public PoisonRecordException(String reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
