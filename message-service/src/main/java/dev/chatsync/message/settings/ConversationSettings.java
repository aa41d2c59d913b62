package dev.chatsync.message.settings;

import java.time.Instant;

/**
 * The caller's settings of one conversation, as docs/api.md shows them.
 *
 * @param muted whether the conversation is muted now (a mute whose time passed is none)
 * @param mutedUntil when the mute ends; null: until unmuted (or not muted)
 */
public record ConversationSettings(String conversationId, boolean muted, Instant mutedUntil) {}
