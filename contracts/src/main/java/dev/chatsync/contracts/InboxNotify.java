package dev.chatsync.contracts;

/** A user's inbox now holds entries up to {@code headSeq}: a hint for live streams, never data. */
public record InboxNotify(String userId, long headSeq) implements WireRecord {

  @Override
  public String problem() {
    String ids = Ids.problemWithAny("userId", userId);
    return ids != null ? ids : headSeq < 0 ? "headSeq must be at least 0" : null;
  }
}
