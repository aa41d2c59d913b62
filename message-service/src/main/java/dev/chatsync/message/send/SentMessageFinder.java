package dev.chatsync.message.send;

import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageStore;
import java.time.Instant;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Looks for the message of a send whose owner died between its append and its completion: in the
 * timeline after the head it saw when it claimed, among the messages sent before its lease ended.
 * Called only after the lease: the owner started its last append attempt a request timeout and a
 * clock skew before that (SendService), and the head is read at LOCAL_SERIAL, which completes an
 * attempt Paxos accepted but never committed. So the message is found here, or never appears (P5).
 */
final class SentMessageFinder {

  private static final int PAGE = 200;
  /** More messages than any conversation takes in one lease; past this the search gives up (503). */
  private static final int MAX_SCANNED = 20_000;

  private final MessageStore messages;

  SentMessageFinder(MessageStore messages) {
    this.messages = messages;
  }

  /** The message, or empty if it was certainly never appended. */
  Mono<Message> find(String conversationId, String messageId, long afterSeq, Instant sentNoLaterThan) {
    return messages.committedHead(conversationId).defaultIfEmpty(0L)
        .flatMap(head -> scan(conversationId, messageId, afterSeq, head, sentNoLaterThan, 0));
  }

  private Mono<Message> scan(String conversationId, String messageId, long after, long head, Instant bound, int scanned) {
    if (after >= head) {
      return Mono.empty();
    }
    if (scanned >= MAX_SCANNED) {
      return Mono.error(Problems.unavailable("Could not settle an earlier attempt of this send; retry later."));
    }
    return messages.range(conversationId, after, head + 1, PAGE, false).flatMap(page -> {
      for (Message message : page) {
        if (message.messageId().equals(messageId)) {
          return Mono.just(message);
        }
        if (message.sentAt().isAfter(bound)) {
          return Mono.empty();
        }
      }
      return page.isEmpty() ? Mono.<Message>empty()
          : scan(conversationId, messageId, last(page).seq(), head, bound, scanned + page.size());
    });
  }

  private static Message last(List<Message> page) {
    return page.get(page.size() - 1);
  }
}
