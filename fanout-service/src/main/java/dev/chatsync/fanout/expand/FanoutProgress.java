package dev.chatsync.fanout.expand;

/** How far stage 1 has expanded each conversation. */
public interface FanoutProgress {

  /** The seq up to which every message of the conversation was handed to stage 2; 0 if none. */
  long fanned(String conversationId);

  /** Records that every message up to {@code seq} was handed to stage 2. */
  void advance(String conversationId, long seq);
}
