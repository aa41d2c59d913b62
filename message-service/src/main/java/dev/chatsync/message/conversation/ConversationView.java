package dev.chatsync.message.conversation;

import java.util.List;

/**
 * A conversation as docs/api.md shows it. {@code members} lists at most
 * {@link ConversationService#MEMBERS_SHOWN} members (P7: a group may have 100,000);
 * {@code memberCount} counts them all, and {@code GET .../members} pages through them.
 */
public record ConversationView(String conversationId, String type, String title, List<String> members, int memberCount,
    long headSeq) {

  static ConversationView of(Conversation conversation, long headSeq) {
    return new ConversationView(conversation.conversationId(), conversation.type().wireName(), conversation.title(),
        conversation.members(), conversation.members().size(), headSeq);
  }

  static ConversationView of(ConversationSummary summary, List<String> members, int memberCount, long headSeq) {
    return new ConversationView(summary.conversationId(), summary.type().wireName(), summary.title(), members, memberCount,
        headSeq);
  }
}
