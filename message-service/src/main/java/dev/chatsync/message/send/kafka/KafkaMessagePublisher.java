package dev.chatsync.message.send.kafka;

import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.Topics;
import dev.chatsync.message.send.MessagePublisher;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

@Component
class KafkaMessagePublisher implements MessagePublisher {

  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;

  KafkaMessagePublisher(KafkaTemplate<String, String> kafka, JsonMapper json) {
    this.kafka = kafka;
    this.json = json;
  }

  @Override
  public Mono<Void> publish(MessageAppended event) {
    // Keyed by conversation: one partition, so one stage-1 consumer sees a conversation in order.
    // send() blocks while it waits for metadata or buffer space (up to max.block.ms), so it is
    // called off the event loop.
    return Mono.fromFuture(() -> kafka.send(Topics.MESSAGES, event.conversationId(), json.writeValueAsString(event)))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }
}
