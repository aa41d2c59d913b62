package dev.chatsync.message.conversation;

import java.util.List;

/** {@code POST /conversations}: {@code type} is "direct" or "group"; the caller is always a member. */
public record CreateConversationRequest(String type, String title, List<String> members) {}
