package dev.chatsync.fanout.expand;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stage 1: expands a conversation's storage timeline, in seq order, into one record per member
 * and message, keyed by member, so that each user's entries reach the one stage-2 consumer that
 * writes that user's inbox.
 *
 * <p>It expands the timeline's committed prefix, not the events: with several message-service
 * instances, 101 may be published before 100, and stage 2 must see a conversation in seq order
 * (P2, P3). An event at or below the conversation's progress was expanded already (a redelivery,
 * a replay, or an event that came after a later one) and is skipped. Progress moves only after
 * the broker has every record of a page, and this listener is the only writer of a conversation's
 * progress (Kafka key = conversation), so a crash re-expands at most one page, which stage 2
 * absorbs.
 */
@Component
class MessageExpander {

  static final int PAGE = 500;

  private final Timeline timeline;
  private final FanoutProgress progress;
  private final MemberDirectory members;
  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;

  MessageExpander(Timeline timeline, FanoutProgress progress, MemberDirectory members, KafkaTemplate<String, String> kafka,
      JsonMapper json) {
    this.timeline = timeline;
    this.progress = progress;
    this.members = members;
    this.kafka = kafka;
    this.json = json;
  }

  /**
   * The events of a poll together: an event only says "the timeline holds every seq up to here",
   * so per conversation the newest one says all the others say, and the conversation is expanded
   * once, up to it.
   */
  @KafkaListener(id = "fanout-expand", topics = Topics.MESSAGES, batch = "true")
  void expand(List<String> records) {
    Map<String, Long> newest = new LinkedHashMap<>();
    for (String record : records) {
      MessageAppended event = json.readValue(record, MessageAppended.class);
      newest.merge(event.conversationId(), event.seq(), Math::max);
    }
    newest.forEach(this::expand);
  }

  private void expand(String conversationId, long announcedSeq) {
    long fanned = progress.fanned(conversationId);
    while (fanned < announcedSeq) {
      List<TimelineMessage> page = timeline.after(conversationId, fanned, announcedSeq, PAGE);
      if (page.isEmpty()) {
        throw new IllegalStateException("conversation " + conversationId + " has no seq " + (fanned + 1)
            + " although an event announced " + announcedSeq + "; retrying");
      }
      // The members are read after the page, for each page: every message of the page was appended
      // before this read, so a member added or removed before a message was appended is seen here
      // as such (see MemberService in message-service).
      handOver(page, members.members(conversationId));
      fanned = page.get(page.size() - 1).seq();
      progress.advance(conversationId, fanned);
    }
  }

  private void handOver(List<TimelineMessage> page, List<MemberDirectory.Recipient> recipients) {
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (TimelineMessage message : page) {
      for (MemberDirectory.Recipient member : recipients) {
        if (member.receives(message.seq())) {
          InboxAppend entry = InboxAppend.message(member.userId(), message.conversationId(), message.seq(), message.messageId(),
              message.senderId(), message.sentAt().toEpochMilli());
          sends.add(kafka.send(Topics.INBOX_APPENDS, entry.userId(), json.writeValueAsString(entry)));
        }
      }
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
  }
}
