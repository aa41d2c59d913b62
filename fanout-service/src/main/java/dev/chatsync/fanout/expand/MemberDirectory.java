package dev.chatsync.fanout.expand;

import java.util.List;

/** Who receives a conversation's messages. */
public interface MemberDirectory {

  /** The members of the conversation with the seq each joined at. */
  List<Recipient> members(String conversationId);

  record Recipient(String userId, long joinedSeq) {}
}
