package dev.chatsync.message.timeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/** The {@link MessageStore} contract in memory, for unit tests of the rules above it. */
public class InMemoryMessageStore implements MessageStore {

  private final Map<String, List<Message>> timelines = new ConcurrentHashMap<>();

  public void createConversation(String conversationId) {
    timelines.putIfAbsent(conversationId, new ArrayList<>());
  }

  @Override
  public synchronized Mono<Message> append(MessageDraft draft, long headSeen, Instant notAfter) {
    List<Message> timeline = timelines.get(draft.conversationId());
    if (timeline == null) {
      return Mono.empty();
    }
    Message message = draft.at(timeline.size() + 1);
    timeline.add(message);
    return Mono.just(message);
  }

  @Override
  public Mono<Long> head(String conversationId) {
    List<Message> timeline = timelines.get(conversationId);
    return timeline == null ? Mono.empty() : Mono.just((long) timeline.size());
  }

  /** Nothing is ever in progress here: the committed head is the head. */
  @Override
  public Mono<Long> committedHead(String conversationId) {
    return head(conversationId);
  }

  @Override
  public Mono<List<Message>> range(String conversationId, long lowerExclusive, long upperExclusive, int limit, boolean newestFirst) {
    Comparator<Message> order = Comparator.comparingLong(Message::seq);
    return Mono.just(timelines.getOrDefault(conversationId, List.of()).stream()
        .filter(m -> m.seq() > lowerExclusive && m.seq() < upperExclusive)
        .sorted(newestFirst ? order.reversed() : order)
        .limit(limit)
        .toList());
  }
}
