package dev.chatsync.message.settings;

import dev.chatsync.message.conversation.Mute;
import reactor.core.publisher.Mono;

/** A user's settings of their conversations, on their conversation list rows. */
public interface SettingsStore {

  /** The user's mute of the conversation; {@link Mute#NONE} if never set. */
  Mono<Mute> mute(String userId, String conversationId);

  /** Sets it: a plain write, the last one wins; idempotent. */
  Mono<Void> mute(String userId, String conversationId, Mute mute);
}
