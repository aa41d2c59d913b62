package dev.chatsync.fanout.expand;

import java.util.List;
import java.util.Optional;

/** Reads conversations' storage timelines (written by message-service, without holes). */
public interface Timeline {

  /** Up to {@code limit} messages with {@code afterSeq < seq <= upToSeq}, ascending. */
  List<TimelineMessage> after(String conversationId, long afterSeq, long upToSeq, int limit);

  /** The newest message of the conversation if it is newer than {@code afterSeq}. */
  Optional<TimelineMessage> newestAfter(String conversationId, long afterSeq);
}
