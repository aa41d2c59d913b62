package dev.chatsync.fanout.push;

import java.util.List;
import java.util.Set;

/** What the notifier reads about a recipient, and the one thing it writes. */
public interface PushDirectory {

  /** The user's push targets, but those the provider refused. */
  List<PushTarget> targets(String userId);

  /** The user's devices that hold an open stream now: they get no push. */
  Set<String> streamingDevices(String userId);

  /** The user's view of a conversation: its mute and read position. */
  Recipient recipient(String userId, String conversationId);

  /** The message's text as shown (none once recalled), for a preview. */
  String text(String conversationId, long seq);

  /** The provider refused the target for good: no push goes to it until the device registers again. */
  void disable(PushTarget target, String why);

  /**
   * @param muted whether the conversation is muted now
   * @param readSeq the user's read position (read, sent, or joined)
   */
  record Recipient(boolean muted, long readSeq) {

    public long unreadUpTo(long seq) {
      return Math.max(0, seq - readSeq);
    }
  }
}
