package dev.chatsync.message.send.kafka;

import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.message.send.MessagePublisher;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
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
    // called off the event loop. WebFlux keeps the request's observation in the Reactor context, not
    // on a thread: it is put in scope around the send, so the event carries the send's trace.
    return Mono.deferContextual(context -> {
          Observation request = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
          return Mono.fromFuture(() -> request == null ? events.send(event) : request.scoped(() -> events.send(event)));
        })
        .subscribeOn(Schedulers.boundedElastic()).then();
  }
}
