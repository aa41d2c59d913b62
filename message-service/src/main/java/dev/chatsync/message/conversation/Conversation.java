package dev.chatsync.message.conversation;

import java.time.Instant;
import java.util.List;

/** A conversation with its members. */
public record Conversation(
    String conversationId, ConversationType type, String title, String creatorId, Instant createdAt, List<String> members) {}
