package dev.chatsync.message.conversation;

/** A conversation without its members. */
public record ConversationSummary(String conversationId, ConversationType type, String title, String creatorId) {}
