package dev.chatsync.message.send;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.message.send.SendDedup.Key;
import reactor.core.publisher.Mono;

/**
 * How a valid send by a member is stored: once per clientMsgId (P5), at the conversation's next
 * seq (P3, P4), answered only once durable (P1).
 */
public interface SendPath {

  /** A send's answer: {@code created} is false for a retry of an earlier send (HTTP 200, not 201). */
  record Outcome(SentMessage message, boolean created, boolean storedHere) {

    public static Outcome storedHere(SentMessage message, boolean created) {
      return new Outcome(message, created, true);
    }
  }

  Mono<Outcome> send(Caller caller, Key key, String type, String body);
}
