package dev.chatsync.fanout.recovery;

/** A recovery cannot go on, for a reason the operator can act on (said in the message). */
final class RecoveryException extends RuntimeException {

  RecoveryException(String message) {
    super(message);
  }
}
