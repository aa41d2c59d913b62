package dev.chatsync.contracts;

/**
 * A member's read position in a conversation moved from {@code fromSeq} to {@code upTo}. The
 * fanout turns it into a read entry for the reader's devices and receipt entries for the senders
 * of the messages in between. A repeated announcement (the same position) has
 * {@code fromSeq == upTo}: it re-sends the read entry, which stage 2 skips if it has it.
 */
public record ReadMoved(String conversationId, String readerId, long fromSeq, long upTo, long atMillis) implements WireRecord {

  @Override
  public String problem() {
    String ids = Ids.problemWithAny("conversationId", conversationId, "readerId", readerId);
    if (ids != null) {
      return ids;
    }
    if (upTo < 1) {
      return "upTo must be at least 1";
    }
    return fromSeq < 0 || fromSeq > upTo ? "fromSeq must be between 0 and upTo" : null;
  }
}
