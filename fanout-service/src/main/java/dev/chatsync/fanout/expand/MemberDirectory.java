package dev.chatsync.fanout.expand;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Who receives a conversation's messages. */
public interface MemberDirectory {

  /** Everyone who is or was a member of the conversation, with the spans of seqs they receive. */
  List<Recipient> members(String conversationId);

  /** The current member count, as message-service keeps it with every membership change (counted if it was never kept). */
  int memberCount(String conversationId);

  /** Those of {@code userIds} who are or were members, as {@link #members} gives them. */
  List<Recipient> among(String conversationId, Collection<String> userIds);

  /**
   * A member since {@code joinedSeq}, until {@code leftSeq} if removed (null while a member), and
   * in the earlier spans (joined -> left) of a member who was removed and added again.
   */
  record Recipient(String userId, long joinedSeq, Long leftSeq, Map<Long, Long> earlierSpans) {

    public Recipient(String userId, long joinedSeq) {
      this(userId, joinedSeq, null, Map.of());
    }

    /** P6 and P1: a member gets exactly the messages sent while they were a member. */
    public boolean receives(long seq) {
      if (seq > joinedSeq && (leftSeq == null || seq <= leftSeq)) {
        return true;
      }
      return earlierSpans.entrySet().stream().anyMatch(span -> seq > span.getKey() && seq <= span.getValue());
    }
  }
}
