package dev.chatsync.fanout.inbox;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.Topics;
import java.util.OptionalLong;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stage 2: the single writer of each user's inbox (the records of one user share a partition, and
 * a partition has one consumer). Writes the entry, then tells live streams the inbox moved; the
 * offset is committed after both. A redelivered record finds its entry applied and is skipped.
 */
@Component
class InboxWriter {

  private final InboxStore inboxes;
  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;

  InboxWriter(InboxStore inboxes, KafkaTemplate<String, String> kafka, JsonMapper json) {
    this.inboxes = inboxes;
    this.kafka = kafka;
    this.json = json;
  }

  @KafkaListener(id = "fanout-inbox", topics = Topics.INBOX_APPENDS)
  void write(String record) {
    InboxAppend entry = json.readValue(record, InboxAppend.class);
    OptionalLong inboxSeq = inboxes.append(entry);
    if (inboxSeq.isPresent()) {
      kafka.send(Topics.INBOX_NOTIFY, entry.userId(), json.writeValueAsString(new InboxNotify(entry.userId(), inboxSeq.getAsLong())))
          .join();
    }
  }
}
