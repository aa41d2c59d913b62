package dev.chatsync.sync.channel;

import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The members to tell of a read-fanout group's next activity (V010 {@code channel_watchers}): a
 * member whose device was served the group's channel-activity entry, or the entry that added them,
 * is told of the group's next activity by the fanout, which then takes them off. A member whose
 * devices were served nothing since gets no more entries: the one they have not seen yet sends
 * them to the history already.
 */
public interface ChannelWatchers {

  /**
   * A device of the user was served these conversations' entries up to these heads (a
   * channel-activity entry's head, the seq an added member joined at). Written stamped with the
   * head ({@link dev.chatsync.contracts.WatchStamps}): idempotent, and a late write of an older
   * head changes nothing.
   */
  Mono<Void> watch(String userId, Map<String, Long> servedHeads);
}
