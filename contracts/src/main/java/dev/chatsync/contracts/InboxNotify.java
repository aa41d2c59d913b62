package dev.chatsync.contracts;

/**
 * A note for a user's live streams, never data: either "the inbox now holds entries up to
 * {@code headSeq}" (a hint: the streams read the inbox themselves), or a {@link Signal} for them
 * to send on (then headSeq is 0, which a stream that knows no signals passes over).
 */
public record InboxNotify(String userId, long headSeq, Signal signal) implements WireRecord {

  public InboxNotify(String userId, long headSeq) {
    this(userId, headSeq, null);
  }

  public static InboxNotify signal(String userId, Signal signal) {
    return new InboxNotify(userId, 0, signal);
  }

  @Override
  public String problem() {
    String ids = Ids.problemWithAny("userId", userId);
    if (ids != null) {
      return ids;
    }
    if (headSeq < 0) {
      return "headSeq must be at least 0";
    }
    return signal == null ? null : signal.problem();
  }
}
