package dev.chatsync.sync.channel;

import dev.chatsync.sync.inbox.Message;

/**
 * A message of a read-fanout group pushed live on a stream (docs/api.md, "Large groups"): the
 * event has no {@code id:}, since the message has no place in the inbox; the device keeps it by
 * its conversation seq and reads any it missed from the history.
 */
public record LiveMessage(String kind, String conversationId, Message message) {

  public static LiveMessage of(Message message) {
    return new LiveMessage("message", message.conversationId(), message);
  }
}
