package dev.chatsync.message.conversation;

import java.time.Instant;

/**
 * A user's mute of one conversation: muted until {@code until}, or until unmuted when it is null.
 * A muted conversation still syncs and counts unread; it sends no offline push.
 */
public record Mute(boolean muted, Instant until) {

  public static final Mute NONE = new Mute(false, null);

  /** Whether the conversation is muted at {@code now}: a mute whose time has passed is none. */
  public boolean activeAt(Instant now) {
    return muted && (until == null || until.isAfter(now));
  }
}
