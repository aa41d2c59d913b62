package dev.chatsync.fanout.expand;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.InboxKind;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.Topics;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stage 1: one record per member of the conversation, keyed by member, so that each user's inbox
 * entries reach the one stage-2 consumer that writes that inbox. The listener returns only after
 * the broker has every produced record, and the offset is committed after that: a crash in
 * between re-expands the message, which stage 2 must absorb.
 */
@Component
class MessageExpander {

  private final MemberDirectory members;
  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;

  MessageExpander(MemberDirectory members, KafkaTemplate<String, String> kafka, JsonMapper json) {
    this.members = members;
    this.kafka = kafka;
    this.json = json;
  }

  @KafkaListener(id = "fanout-expand", topics = Topics.MESSAGES)
  void expand(String record) {
    MessageAppended message = json.readValue(record, MessageAppended.class);
    List<CompletableFuture<?>> sends = members.members(message.conversationId()).stream()
        // P6: a member sees only the messages after the seq they joined at.
        .filter(member -> member.joinedSeq() < message.seq())
        .map(member -> new InboxAppend(member.userId(), InboxKind.MESSAGE.wireName(), message.conversationId(),
            message.seq(), message.messageId()))
        .<CompletableFuture<?>>map(entry -> kafka.send(Topics.INBOX_APPENDS, entry.userId(), json.writeValueAsString(entry)))
        .toList();
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
  }
}
