package dev.chatsync.message.signal;

import dev.chatsync.contracts.Memo;
import dev.chatsync.contracts.Signal;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.message.conversation.Conversation;
import dev.chatsync.message.conversation.ConversationStore;
import dev.chatsync.message.member.MemberStore;
import dev.chatsync.message.send.Membership;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * "Someone is typing": pushed to the other members' open streams, never stored. At most one per
 * user per conversation every few seconds leaves this instance (the streams' own gate makes that
 * exact per device), and none in groups above {@code chat.signals.typing-max-members}.
 */
@Service
public class TypingService {

  private static final long INTERVAL_MILLIS = 3_000;

  private final Membership membership;
  private final MemberStore members;
  private final ConversationStore conversations;
  private final SignalPublisher publisher;
  private final SignalProperties properties;
  private final Clock clock = Clock.systemUTC();
  /** When a user's typing in a conversation was last pushed from here. */
  private final Memo<String, Long> lastPushed = new Memo<>(100_000);

  TypingService(Membership membership, MemberStore members, ConversationStore conversations, SignalPublisher publisher,
      SignalProperties properties) {
    this.membership = membership;
    this.members = members;
    this.conversations = conversations;
    this.publisher = publisher;
    this.properties = properties;
  }

  /** Completes once the signal is handed on, or dropped: too soon after the last, or too big a group. */
  public Mono<Void> typing(Caller caller, String conversationId) {
    return membership.require(conversationId, caller.userId()).flatMap(member -> {
      long now = clock.millis();
      String key = conversationId + "\n" + caller.userId();
      Long last = lastPushed.get(key);
      if (last != null && now - last < INTERVAL_MILLIS) {
        return Mono.empty();
      }
      lastPushed.remember(key, now, (old, latest) -> latest);
      return recipients(conversationId, caller.userId()).doOnNext(recipients -> publisher.publish(recipients,
          Signal.typing(conversationId, caller.userId(), now + properties.typingLasts().toMillis(), now))).then();
    });
  }

  /** The other members, unless the group is too big for typing (its count read first: a big group's members are never read). */
  private Mono<List<String>> recipients(String conversationId, String typer) {
    return members.memberCount(conversationId)
        .filter(count -> count.isEmpty() || count.getAsInt() <= properties.typingMaxMembers())
        .flatMap(small -> conversations.find(conversationId))
        .map(Optional::orElseThrow)
        .filter(conversation -> conversation.members().size() <= properties.typingMaxMembers())
        .map(Conversation::members)
        .map(all -> all.stream().filter(member -> !member.equals(typer)).toList());
  }
}
