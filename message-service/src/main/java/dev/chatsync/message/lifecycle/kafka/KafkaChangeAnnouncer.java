package dev.chatsync.message.lifecycle.kafka;

import dev.chatsync.contracts.MessageChanged;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.message.lifecycle.ChangeAnnouncer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

@Component
class KafkaChangeAnnouncer implements ChangeAnnouncer {

  private final TopicProducer<MessageChanged> changes;

  KafkaChangeAnnouncer(TopicProducer<MessageChanged> changes) {
    this.changes = changes;
  }

  @Override
  public Mono<Void> announce(MessageChanged change) {
    return Mono.fromFuture(() -> changes.send(change)).subscribeOn(Schedulers.boundedElastic()).then();
  }
}
