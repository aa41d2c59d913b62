package dev.chatsync.message.read.kafka;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.InboxKind;
import dev.chatsync.contracts.Topics;
import dev.chatsync.message.read.ReadAnnouncer;
import java.time.Clock;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Straight to stage 2, keyed by the reader: the inbox's single writer orders the read entry with
 * the reader's other entries and skips a replayed one (P2).
 */
@Component
class KafkaReadAnnouncer implements ReadAnnouncer {

  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;
  private final Clock clock = Clock.systemUTC();

  KafkaReadAnnouncer(KafkaTemplate<String, String> kafka, JsonMapper json) {
    this.kafka = kafka;
    this.json = json;
  }

  @Override
  public Mono<Void> announce(String userId, String conversationId, long upTo) {
    InboxAppend entry = new InboxAppend(userId, InboxKind.READ.wireName(), conversationId, upTo, null, userId,
        clock.millis());
    return Mono.fromFuture(() -> kafka.send(Topics.INBOX_APPENDS, userId, json.writeValueAsString(entry)))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }
}
