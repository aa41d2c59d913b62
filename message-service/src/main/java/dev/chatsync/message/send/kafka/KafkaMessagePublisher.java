package dev.chatsync.message.send.kafka;

import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.message.send.MessagePublisher;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

@Component
class KafkaMessagePublisher implements MessagePublisher {

  private final TopicProducer<MessageAppended> events;

  KafkaMessagePublisher(TopicProducer<MessageAppended> events) {
    this.events = events;
  }

  @Override
  public Mono<Void> publish(MessageAppended event) {
    // send() blocks while it waits for metadata or buffer space (up to max.block.ms), so it is
    // called off the event loop.
    return Mono.fromFuture(() -> events.send(event)).subscribeOn(Schedulers.boundedElastic()).then();
  }
}
