package dev.chatsync.sync.channel;

import java.util.Collection;
import reactor.core.publisher.Mono;

/**
 * The members to tell of a read-fanout group's next activity (V010 {@code channel_watchers}): a
 * member whose device was served the group's channel-activity entry, or the entry that added them,
 * is told of the group's next activity by the fanout, which then takes them off. A member whose
 * devices were served nothing since gets no more entries: the one they have not seen yet sends
 * them to the history already.
 */
public interface ChannelWatchers {

  /** The user watches these conversations from now on. Idempotent: a repeat only renews the row. */
  Mono<Void> watch(String userId, Collection<String> conversationIds);
}
