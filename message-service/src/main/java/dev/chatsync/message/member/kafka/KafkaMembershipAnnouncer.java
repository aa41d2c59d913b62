package dev.chatsync.message.member.kafka;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.message.member.MembershipAnnouncer;
import java.time.Clock;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Straight to stage 2, keyed by the affected user. The membership version orders a user's
 * changes in a conversation, so stage 2 skips a repeated announcement (P2).
 */
@Component
class KafkaMembershipAnnouncer implements MembershipAnnouncer {

  private final TopicProducer<InboxAppend> inboxAppends;
  private final Clock clock = Clock.systemUTC();

  KafkaMembershipAnnouncer(TopicProducer<InboxAppend> inboxAppends) {
    this.inboxAppends = inboxAppends;
  }

  @Override
  public Mono<Void> announce(String userId, String conversationId, Change change, long atSeq, String actor, int version) {
    InboxAppend entry = InboxAppend.membership(userId, conversationId, change.wireName(), atSeq, actor, version, clock.millis());
    return Mono.fromFuture(() -> inboxAppends.send(entry)).subscribeOn(Schedulers.boundedElastic()).then();
  }
}
