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
}
