package dev.chatsync.message.read.kafka;

import dev.chatsync.contracts.ReadMoved;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.message.read.ReadAnnouncer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

@Component
class KafkaReadAnnouncer implements ReadAnnouncer {

  private final TopicProducer<ReadMoved> reads;

  KafkaReadAnnouncer(TopicProducer<ReadMoved> reads) {
    this.reads = reads;
  }

  @Override
  public Mono<Void> announce(ReadMoved moved) {
    return Mono.fromFuture(() -> reads.send(moved)).subscribeOn(Schedulers.boundedElastic()).then();
  }
}
