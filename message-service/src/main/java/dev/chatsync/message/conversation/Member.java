package dev.chatsync.message.conversation;

/** A member of a conversation, who sees the messages with seq greater than {@code joinedSeq}. */
public record Member(String conversationId, String userId, long joinedSeq) {}
