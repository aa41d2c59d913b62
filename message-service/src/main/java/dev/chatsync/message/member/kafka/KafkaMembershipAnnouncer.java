package dev.chatsync.message.member.kafka;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.Topics;
import dev.chatsync.message.member.MembershipAnnouncer;
import java.time.Clock;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Straight to stage 2, keyed by the affected user. The membership version orders a user's
 * changes in a conversation, so stage 2 skips a repeated announcement (P2).
 */
@Component
class KafkaMembershipAnnouncer implements MembershipAnnouncer {

  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;
  private final Clock clock = Clock.systemUTC();

  KafkaMembershipAnnouncer(KafkaTemplate<String, String> kafka, JsonMapper json) {
    this.kafka = kafka;
    this.json = json;
  }

  @Override
  public Mono<Void> announce(String userId, String conversationId, Change change, long atSeq, String actor, int version) {
    InboxAppend entry = InboxAppend.membership(userId, conversationId, change.wireName(), atSeq, actor, version, clock.millis());
    return Mono.fromFuture(() -> kafka.send(Topics.INBOX_APPENDS, userId, json.writeValueAsString(entry)))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }
}
