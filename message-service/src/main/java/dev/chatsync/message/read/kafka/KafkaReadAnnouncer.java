package dev.chatsync.message.read.kafka;

import dev.chatsync.contracts.ReadMoved;
import dev.chatsync.contracts.Topics;
import dev.chatsync.message.read.ReadAnnouncer;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keyed by conversation: one fanout consumer sees all the reads of a conversation, in order, and
 * can coalesce the receipts to each sender.
 */
@Component
class KafkaReadAnnouncer implements ReadAnnouncer {

  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;

  KafkaReadAnnouncer(KafkaTemplate<String, String> kafka, JsonMapper json) {
    this.kafka = kafka;
    this.json = json;
  }

  @Override
  public Mono<Void> announce(ReadMoved moved) {
    return Mono.fromFuture(() -> kafka.send(Topics.READS, moved.conversationId(), json.writeValueAsString(moved)))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }
}
