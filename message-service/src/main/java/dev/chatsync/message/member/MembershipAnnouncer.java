package dev.chatsync.message.member;

import java.util.Locale;
import reactor.core.publisher.Mono;

/** Puts a membership entry in the affected user's inbox, so that all their devices learn it. */
public interface MembershipAnnouncer {

  /**
   * @param atSeq the seq the user joined at (sees the messages after it) or left at (sees none
   *     after it)
   * @param version the membership version the change made: orders the user's changes (P2)
   */
  Mono<Void> announce(String userId, String conversationId, Change change, long atSeq, String actor, int version);

  enum Change {
    ADDED, REMOVED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
