package dev.chatsync.message.conversation;

import java.util.List;

/** A conversation as docs/api.md shows it. */
public record ConversationView(String conversationId, String type, String title, List<String> members, long headSeq) {

  static ConversationView of(Conversation conversation, long headSeq) {
    return new ConversationView(conversation.conversationId(), conversation.type().wireName(), conversation.title(),
        conversation.members(), headSeq);
  }
}
