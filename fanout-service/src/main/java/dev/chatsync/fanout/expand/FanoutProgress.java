package dev.chatsync.fanout.expand;

/** How far stage 1 has expanded each conversation. */
public interface FanoutProgress {

  /** The seq up to which every message of the conversation was handed to stage 2; 0 if none. */
  long fanned(String conversationId);

  /**
   * Records that every message up to {@code seq} was handed to stage 2, if the progress is still
   * {@code expected}: a compare-and-set, so an expander that stalled while another took the
   * conversation over, or while a recovery moved the progress back, moves nothing.
   *
   * @return the progress as it stands: {@code seq}, or the value someone else set
   */
  long advance(String conversationId, long expected, long seq);

  /**
   * Moves the progress back to {@code seq} if it is past it, for a recovery that expands again
   * (only while no stage 1 runs). Never forward: that would skip messages stage 1 has not expanded.
   *
   * @return the progress as it is now
   */
  default long rewind(String conversationId, long seq) {
    long stored = fanned(conversationId);
    for (int attempt = 0; stored > seq; attempt++) {
      if (attempt == 10) {
        throw new IllegalStateException("the progress of " + conversationId + " keeps moving: is a fanout instance running?");
      }
      stored = advance(conversationId, stored, seq);
    }
    return stored;
  }
}
