package dev.chatsync.sync.presence;

import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.Signal;
import dev.chatsync.contracts.kafka.TopicProducer;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Tells a user's direct-conversation partners that the user came online or went offline: a presence
 * signal to each partner's streams (chat.inbox-notify, keyed by the partner). Best effort.
 */
@Component
class PresenceAnnouncer {

  private static final Logger log = LoggerFactory.getLogger(PresenceAnnouncer.class);

  private final PresenceStore store;
  private final TopicProducer<InboxNotify> notifications;
  private final PresenceProperties properties;

  PresenceAnnouncer(PresenceStore store, TopicProducer<InboxNotify> notifications, PresenceProperties properties) {
    this.store = store;
    this.notifications = notifications;
    this.properties = properties;
  }

  /** Announces the user's presence as the store has it now, unless the user hides it. */
  Mono<Void> announce(String userId, Instant at) {
    return store.of(List.of(userId)).map(found -> found.get(userId)).flatMap(now -> now.hidden()
        ? Mono.<Void>empty()
        : send(userId, Signal.presence(userId, now.online(), (now.lastSeenAt() == null ? at : now.lastSeenAt()).toEpochMilli())));
  }

  /** Announces the user offline, unless another instance still holds a stream of theirs (or they hide). */
  Mono<Void> announceIfOffline(String userId, Instant at) {
    return store.of(List.of(userId)).map(found -> found.get(userId)).flatMap(now -> now.hidden() || now.online()
        ? Mono.<Void>empty()
        : send(userId, Signal.presence(userId, false, (now.lastSeenAt() == null ? at : now.lastSeenAt()).toEpochMilli())));
  }

  /** Announces the user offline as of {@code at}, whatever the store says: before the user hides. */
  Mono<Void> announceOffline(String userId, Instant at) {
    return send(userId, Signal.presence(userId, false, at.toEpochMilli()));
  }

  private Mono<Void> send(String userId, Signal signal) {
    // The sends on a worker thread: one blocks while the broker's metadata is unknown (up to
    // max.block.ms), and this runs on a Cassandra driver thread.
    return store.directPartners(userId, properties.maxPartners())
        .publishOn(Schedulers.boundedElastic())
        .doOnNext(partners -> partners.forEach(partner ->
            notifications.send(InboxNotify.signal(partner, signal)).whenComplete((sent, failed) -> {
              if (failed != null) {
                log.debug("a presence signal of {} for {} was lost: {}", userId, partner, failed.toString());
              }
            })))
        .then()
        .onErrorResume(failed -> {
          log.warn("announcing the presence of {} failed: {}", userId, failed.toString());
          return Mono.empty();
        });
  }
}
