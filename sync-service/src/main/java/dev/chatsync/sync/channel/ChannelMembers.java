package dev.chatsync.sync.channel;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/** Who of the users with streams here receives a read-fanout group's messages. */
public interface ChannelMembers {

  /** The conversations in the user's list, of any kind: those delivered by read fanout are among them. */
  Mono<List<String>> conversationsOf(String userId);

  /** Of {@code userIds}, the current members of the conversation, by user, with the seq they joined at. */
  Mono<Map<String, Long>> currentAmong(String conversationId, Collection<String> userIds);
}
