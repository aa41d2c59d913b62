package dev.chatsync.message.lifecycle;

import dev.chatsync.contracts.MessageChanged;
import dev.chatsync.message.sweep.ChangeFinisher;
import dev.chatsync.message.sweep.ChangeKind;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Announces a message's change to the fanout, then records it announced (P1 for the dual write of
 * the timeline row and chat.message-changes). Used by the request after its change, by a repeated
 * recall, and by the sweeper for a request that died half-way. An announcement made twice (a
 * request and the sweeper at once) is harmless: stage 2 keeps one entry per message version (P2).
 */
@Component
class ChangeCompletion implements ChangeFinisher {

  private static final Logger log = LoggerFactory.getLogger(ChangeCompletion.class);

  private final MessageChanges changes;
  private final ChangeAnnouncer announcer;

  ChangeCompletion(MessageChanges changes, ChangeAnnouncer announcer) {
    this.changes = changes;
    this.announcer = announcer;
  }

  @Override
  public ChangeKind kind() {
    return ChangeKind.MESSAGE;
  }

  /**
   * The sweeper's entry. Reads the row at LOCAL_SERIAL: a change accepted but not committed when its
   * request died is completed first, and then announced (changes are rare; the Paxos read is cheap
   * beside a send rate). A recalled message's text is deleted again, in case the request died before.
   */
  @Override
  public Mono<Void> finish(String conversationId, String subject) {
    long seq;
    try {
      seq = Long.parseLong(subject);
    } catch (NumberFormatException notASeq) {
      log.warn("a message change noted for '{}' in {} names no seq; nothing to finish", subject, conversationId);
      return Mono.empty();
    }
    return changes.find(conversationId, seq, true).flatMap(found -> {
      if (found.isEmpty()) {
        return Mono.empty();
      }
      Message message = found.get().message();
      Mono<Void> forgotten = message.recalled() ? changes.forgetText(conversationId, seq) : Mono.empty();
      return forgotten.then(found.get().announcementDue() ? announce(message) : Mono.empty());
    });
  }

  /** Announces the message's current version, then records it announced. */
  Mono<Void> announce(Message message) {
    boolean recalled = message.recalled();
    MessageChanged change = new MessageChanged(message.conversationId(), message.seq(), message.messageId(),
        message.senderId(), message.version(), recalled ? MessageChanged.RECALLED : MessageChanged.EDITED,
        recalled ? message.recalledBy() : message.senderId(),
        (recalled ? message.recalledAt() : message.editedAt()).toEpochMilli());
    return announcer.announce(change).then(changes.announced(message.conversationId(), message.seq(), message.version()));
  }
}
