package dev.chatsync.fanout.republish;

import java.util.List;

/** The conversations message-service marked as having sends in a minute (before appending). */
public interface RecentConversations {

  List<String> in(long minute, int shard);
}
