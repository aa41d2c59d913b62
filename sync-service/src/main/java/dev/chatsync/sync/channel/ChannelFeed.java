package dev.chatsync.sync.channel;

import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.sync.inbox.InboxReader;
import dev.chatsync.sync.inbox.Message;
import dev.chatsync.sync.inbox.SyncEntry;
import dev.chatsync.sync.stream.InboxWakeups;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;

/**
 * The live side of read fanout: pushes the messages of groups above the read-fanout threshold
 * (read from {@code chat.channel-messages}, which every instance reads whole) to the streams this
 * instance holds for their members. It follows only the conversations of users with a stream here:
 * read from each user's conversation list when their first stream opens, and kept up with the
 * membership entries their streams pass.
 *
 * <p>What it follows is only a hint: before a page of a group's messages goes out, the users it
 * would go to are checked against the group's member rows, so a member removed before a message
 * gets none of it, whenever their stream learns of the removal (P6). A live push is never the only
 * delivery: each message is also told by the group's channel-activity entry, so a message this
 * misses (a stream opened a moment ago, a store that did not answer, a slow stream) is read from
 * the history (P1). A message pushed once is not pushed again by this instance (P2 for live pushes:
 * stage 1 may publish a message twice after a restart).
 */
@Component
public class ChannelFeed {

  private static final Logger log = LoggerFactory.getLogger(ChannelFeed.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(2);

  private final ChannelMembers members;
  private final InboxReader messages;
  private final InboxWakeups streams;
  private final Counter pushed;
  private final Counter failed;

  /** Conversation to the users with a stream here whose lists hold it. */
  private final Map<String, Set<String>> followers = new ConcurrentHashMap<>();
  /** User to the conversations they are followers of, and how many streams they hold here. */
  private final Map<String, Follower> users = new ConcurrentHashMap<>();
  /** The newest seq pushed per conversation followed. */
  private final Map<String, Long> pushedUpTo = new ConcurrentHashMap<>();

  private static final class Follower {
    final Set<String> conversations = ConcurrentHashMap.newKeySet();
    int streams;
  }

  ChannelFeed(ChannelMembers members, InboxReader messages, InboxWakeups streams, MeterRegistry meters) {
    this.members = members;
    this.messages = messages;
    this.streams = streams;
    this.pushed = Counter.builder("chat.stream.live.pushed")
        .description("Messages of read-fanout groups pushed live on streams").register(meters);
    this.failed = Counter.builder("chat.stream.live.failed")
        .description("Pages of read-fanout messages not pushed live (a store call failed): told by channel-activity instead")
        .register(meters);
    Gauge.builder("chat.stream.live.conversations", followers, Map::size)
        .description("Conversations this instance follows for live pushes").register(meters);
  }

  /** A stream of the user opened here: the first one makes the user's conversations followed. */
  public void opened(String userId) {
    boolean[] first = {false};
    users.compute(userId, (id, follower) -> {
      Follower now = follower == null ? new Follower() : follower;
      first[0] = now.streams++ == 0;
      return now;
    });
    if (first[0]) {
      members.conversationsOf(userId).timeout(STORE_TIMEOUT).subscribe(
          conversations -> conversations.forEach(conversationId -> follow(userId, conversationId)),
          failure -> log.warn("could not read the conversations of {} to follow: {}", userId, failure.toString()));
    }
  }

  /** A stream of the user ended here: the last one makes their conversations unfollowed. */
  public void closed(String userId) {
    Follower[] gone = {null};
    users.computeIfPresent(userId, (id, follower) -> {
      if (--follower.streams > 0) {
        return follower;
      }
      gone[0] = follower;
      return null;
    });
    if (gone[0] != null) {
      gone[0].conversations.forEach(conversationId -> unfollow(userId, conversationId));
    }
  }

  /** An entry a stream of the user passed: an added or removed membership changes what is followed. */
  public void saw(String userId, SyncEntry entry) {
    if (!"membership".equals(entry.kind()) || !users.containsKey(userId)) {
      return;
    }
    if ("added".equals(entry.change())) {
      follow(userId, entry.conversationId());
    } else {
      unfollow(userId, entry.conversationId());
    }
  }

  private void follow(String userId, String conversationId) {
    Follower follower = users.get(userId);
    if (follower == null) {
      return; // the streams ended meanwhile
    }
    follower.conversations.add(conversationId);
    // Inside the map's lock for the conversation: an unfollow that empties the set removes it there too.
    followers.compute(conversationId, (id, followed) -> {
      Set<String> now = followed == null ? ConcurrentHashMap.newKeySet() : followed;
      now.add(userId);
      return now;
    });
    if (users.get(userId) != follower) {
      // The user's last stream ended meanwhile (closed() did not see this follow): undone, unless a
      // stream that opened since follows the conversation too.
      followers.computeIfPresent(conversationId, (id, followed) -> {
        Follower now = users.get(userId);
        if (now == null || !now.conversations.contains(conversationId)) {
          followed.remove(userId);
        }
        return followed.isEmpty() ? null : followed;
      });
    }
  }

  private void unfollow(String userId, String conversationId) {
    Follower follower = users.get(userId);
    if (follower != null) {
      follower.conversations.remove(conversationId);
    }
    followers.computeIfPresent(conversationId, (id, followed) -> {
      followed.remove(userId);
      if (followed.isEmpty()) {
        pushedUpTo.remove(conversationId);
        return null;
      }
      return followed;
    });
  }

  /**
   * A poll's messages, in seq order per conversation: each conversation followed here has its
   * messages read in one go and pushed to its followers who are members. Blocking: called on the
   * reader's own thread.
   */
  public void received(List<MessageAppended> published) {
    Map<String, List<Long>> byConversation = new LinkedHashMap<>();
    for (MessageAppended message : published) {
      if (followers.containsKey(message.conversationId()) && message.seq() > pushedUpTo.getOrDefault(message.conversationId(), 0L)) {
        byConversation.computeIfAbsent(message.conversationId(), id -> new ArrayList<>()).add(message.seq());
      }
    }
    byConversation.forEach(this::push);
  }

  private void push(String conversationId, List<Long> seqs) {
    Set<String> following = followers.get(conversationId);
    if (following == null || following.isEmpty()) {
      return;
    }
    Map<Long, Integer> wanted = new HashMap<>();
    seqs.forEach(seq -> wanted.put(seq, 1));
    try {
      Map<String, Long> joined = members.currentAmong(conversationId, List.copyOf(following)).block(STORE_TIMEOUT);
      Map<Long, Message> found = messages.messages(conversationId, wanted).block(STORE_TIMEOUT);
      for (long seq : seqs) {
        Message message = found == null ? null : found.get(seq);
        if (message == null || seq <= pushedUpTo.getOrDefault(conversationId, 0L)) {
          continue;
        }
        ServerSentEvent<Object> event = ServerSentEvent.builder().event("message").data((Object) LiveMessage.of(message)).build();
        joined.forEach((userId, joinedSeq) -> {
          // P6: a member sees the messages after the seq they joined at.
          if (seq > joinedSeq && streams.sendLive(userId, event)) {
            pushed.increment();
          }
        });
        pushedUpTo.merge(conversationId, seq, Math::max);
      }
    } catch (RuntimeException failure) {
      failed.increment();
      log.warn("could not push {} messages of {} live (told by channel-activity instead): {}", seqs.size(), conversationId,
          failure.toString());
    }
  }
}
