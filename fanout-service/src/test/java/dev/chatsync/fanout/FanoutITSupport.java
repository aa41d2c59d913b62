package dev.chatsync.fanout;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.ReadMoved;
import dev.chatsync.contracts.StorageTimeline;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.TopicProducer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * What the fanout integration tests share: the store and the broker, a conversation of their own and
 * its users, and the timeline, member, event and inbox helpers.
 */
abstract class FanoutITSupport {

  @Autowired CqlSession cql;
  @Autowired TopicProducer<InboxAppend> inboxAppends;
  @Autowired TopicProducer<MessageAppended> messageEvents;
  @Autowired KafkaTemplate<String, byte[]> kafka;
  @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers;

  final String suffix = UUID.randomUUID().toString().substring(0, 8);
  final String conversationId = "conv-" + suffix;
  final String alice = "alice-" + suffix;
  final String bob = "bob-" + suffix;
  final String late = "late-" + suffix;

  String carol() {
    return "carol-" + suffix;
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  InboxAppend marker() {
    return InboxAppend.message(bob, "marker-" + suffix, 1, "marker", alice, 0L);
  }

  void readMoved(String reader, long from, long upTo) {
    new TopicProducer<>(Topics.READ_MOVED, kafka).send(new ReadMoved(conversationId, reader, from, upTo,
        Instant.now().toEpochMilli())).join();
  }

  void addMember(String userId, long joinedSeq) {
    cql.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, joined_at) VALUES (?, ?, ?, ?)",
        conversationId, userId, joinedSeq, Instant.now());
  }

  void appendToTimeline(long seq) {
    appendToTimeline(seq, alice);
  }

  void appendToTimeline(long seq, String sender) {
    cql.execute("INSERT INTO messages_by_conversation (conversation_id, bucket, seq, head_seq, message_id, client_msg_id, "
        + "sender_id, type, body, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'text', ?, ?)", conversationId,
        StorageTimeline.bucketOf(seq), seq, seq, "msg-" + seq, "c-" + seq, sender, "body " + seq, Instant.now());
  }

  void announce(long seq) {
    MessageAppended event = new MessageAppended(conversationId, seq, "msg-" + seq, alice, Instant.now().toEpochMilli());
    messageEvents.send(event).join();
  }

  List<Row> inbox(String userId) {
    return cql.execute("SELECT inbox_seq, kind, conversation_id, conversation_seq, message_id, actors, change, created_at FROM inbox_by_user "
        + "WHERE user_id = ?", userId).all();
  }

  List<Long> conversationSeqs(String userId) {
    return inbox(userId).stream().map(row -> row.getLong("conversation_seq")).toList();
  }

  long head(String userId) {
    return cql.execute("SELECT head_seq FROM inbox_state WHERE user_id = ?", userId).one().getLong("head_seq");
  }
}
