package dev.chatsync.message.signal.kafka;

import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.Signal;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.message.signal.SignalPublisher;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.scheduler.Schedulers;

/**
 * One record per recipient on chat.inbox-notify, keyed by the recipient: the topic the sync-service
 * instance holding the recipient's streams follows for them.
 */
@Component
class KafkaSignalPublisher implements SignalPublisher {

  private static final Logger log = LoggerFactory.getLogger(KafkaSignalPublisher.class);

  private final TopicProducer<InboxNotify> notifications;

  KafkaSignalPublisher(TopicProducer<InboxNotify> notifications) {
    this.notifications = notifications;
  }

  /**
   * On a worker thread: a send blocks while the broker's metadata is unknown (up to max.block.ms),
   * and the caller is a request's event loop or a Cassandra driver thread.
   */
  @Override
  public void publish(Collection<String> recipients, Signal signal) {
    Schedulers.boundedElastic().schedule(() -> sendEach(recipients, signal));
  }

  private void sendEach(Collection<String> recipients, Signal signal) {
    for (String recipient : recipients) {
      notifications.send(InboxNotify.signal(recipient, signal)).whenComplete((sent, failed) -> {
        if (failed != null) {
          log.debug("a {} signal for {} was lost: {}", signal.event(), recipient, failed.toString());
        }
      });
    }
  }
}
