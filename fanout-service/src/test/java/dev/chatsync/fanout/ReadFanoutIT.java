package dev.chatsync.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.RecentActivity;
import dev.chatsync.contracts.Topic;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.WatchStamps;
import dev.chatsync.fanout.ProgressStamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Read fanout for groups above chat.fanout.read-fanout-threshold (1,000 here), on the real broker
 * and node: the group's member count is what decides, so these groups have a few member rows and
 * a count past the threshold.
 */
@FanoutIntegrationTest
class ReadFanoutIT extends FanoutITSupport {

  private static final Duration DELIVERY = Duration.ofSeconds(60);

  /**
   * A large group's messages reach no inbox one by one: they go once to chat.channel-messages, in
   * order, and its members get channel-activity entries, at most one an interval: every current
   * member in the group's first round, then its watchers only. A member whose devices were served
   * nothing since is not told again (their unseen entry sends them to the history already), a
   * removed one never (P6).
   */
  @Test
  void aLargeGroupsMessagesAreToldToItsWatchersOnceAnIntervalAndPublishedLiveInOrder() {
    String carol = carol();
    String removed = "removed-" + suffix;
    addMember(alice, 0);
    addMember(bob, 0);
    addMember(carol, 0);
    cql.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_seq, left_seq) VALUES (?, ?, 0, 0)",
        conversationId, removed);
    memberCount(1_001);
    watch(removed, 0);
    try (KafkaConsumer<String, byte[]> live = channelMessages()) {
      appendToTimeline(1);
      announce(1);
      await().atMost(DELIVERY).until(() -> activity(bob).size() == 1 && activity(carol).size() == 1 && activity(alice).size() == 1);
      assertThat(activity(bob)).containsExactly(1L);
      assertThat(watchers()).isEmpty();

      // bob's device is served each entry as it comes (sync-service makes him a watcher again, at
      // that head); carol's is served nothing.
      watch(bob, 1);
      for (long seq = 2; seq <= 5; seq++) {
        appendToTimeline(seq);
        announce(seq);
      }
      await().atMost(DELIVERY).until(() -> {
        List<Long> served = activity(bob);
        watch(bob, served.get(served.size() - 1));
        return served.contains(5L);
      });
      // Four sends back to back: told at most twice more (at once if the interval had ended, then at its end).
      assertThat(activity(bob)).startsWith(1L).endsWith(5L).isSorted().doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(3);
      assertThat(inbox(bob)).extracting(row -> row.getString("kind")).containsOnly("channel-activity");
      assertThat(activity(carol)).containsExactly(1L);
      assertThat(activity(alice)).containsExactly(1L);
      assertThat(inbox(removed)).isEmpty();
      assertThat(progress()).isEqualTo(tuple(5L, true));
      assertThat(published(live, 5)).containsExactly(1L, 2L, 3L, 4L, 5L);
    }
  }

  /**
   * A group that grows past the threshold and shrinks back: every member is told at the switch to
   * read fanout (watching or not: they had entries until then), and after the switch back each
   * message is an entry again. Every message reaches bob once, as an entry or under a
   * channel-activity head that comes before the next entry, and no entry repeats (P1, P2, P3).
   */
  @Test
  void aGroupCrossingTheThresholdEitherWayLosesAndRepeatsNothing() {
    addMember(alice, 0);
    addMember(bob, 0);
    memberCount(2);
    sendAndAnnounce(1, 2);
    await().atMost(DELIVERY).until(() -> inbox(bob).size() == 2);

    memberCount(1_001); // read afresh for each page here (chat.fanout.member-count-fresh=0s)
    sendAndAnnounce(3, 3);
    // Neither watches (nothing served them an entry of the group): the switch tells them anyway.
    await().atMost(DELIVERY).until(() -> activity(bob).equals(List.of(3L)) && activity(alice).equals(List.of(3L)));
    // Their devices are served the entry (sync-service makes them watchers); the next one comes an interval on.
    watch(bob, 3);
    watch(alice, 3);
    sendAndAnnounce(4, 4);
    await().atMost(DELIVERY).until(() -> activity(bob).contains(4L) && activity(alice).contains(4L));

    memberCount(2);
    sendAndAnnounce(5, 6);
    await().atMost(DELIVERY).until(() -> conversationSeqsOf(bob, "message").contains(6L));

    List<Row> entries = inbox(bob);
    assertThat(entries).extracting(row -> row.getString("kind") + ":" + row.getLong("conversation_seq")).doesNotHaveDuplicates();
    assertThat(conversationSeqsOf(bob, "message")).containsExactly(1L, 2L, 5L, 6L);
    // What a device would show, reading the history after its last message on each channel-activity entry.
    List<Long> shown = new ArrayList<>();
    for (Row entry : entries) {
      long seq = entry.getLong("conversation_seq");
      long known = shown.isEmpty() ? 0 : shown.get(shown.size() - 1);
      if ("message".equals(entry.getString("kind"))) {
        assertThat(seq).as("an entry after the messages it follows").isEqualTo(known + 1);
        shown.add(seq);
      } else {
        LongStream.rangeClosed(known + 1, seq).forEach(shown::add);
      }
    }
    assertThat(shown).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(progress()).isEqualTo(tuple(6L, false));
  }

  /**
   * Between a large group's rounds its progress is behind its timeline by design (6 members told
   * at 2 entries a second: the next round 3 s on). The republisher, which announces a conversation
   * whose progress stays behind, leaves it to the group's reminder: announced are the three sends
   * and the reminder of the newest, nothing more (else its alert would fire for every large group).
   */
  @Test
  void aLargeGroupWaitingForItsNextRoundIsNotAnnouncedAgainByTheRepublisher() {
    for (String member : List.of(alice, bob, carol(), "dave-" + suffix, "erin-" + suffix, "frank-" + suffix)) {
      addMember(member, 0);
    }
    memberCount(1_001);
    markRecent();
    try (KafkaConsumer<String, byte[]> announcements = readerFromEnd(Topics.MESSAGES)) {
      sendAndAnnounce(1, 1);
      await().atMost(DELIVERY).until(() -> activity(bob).equals(List.of(1L)));
      watch(bob, 1);
      sendAndAnnounce(2, 3);
      await().atMost(DELIVERY).until(() -> activity(bob).contains(3L));

      List<Long> announced = new ArrayList<>();
      await().atMost(Duration.ofSeconds(15)).during(Duration.ofSeconds(3)).untilAsserted(() -> {
        announced.addAll(seqsOf(announcements, Topics.MESSAGE_APPENDED));
        assertThat(announced).as("announced on chat.messages").containsExactly(1L, 2L, 3L, 3L);
      });
      assertThat(progress()).isEqualTo(tuple(3L, true));
    }
  }

  /**
   * A message whose publish was lost, in a large group waiting for its next round (20 members told
   * at 2 entries a second: 10 s on). Stage 1 never saw it, so no reminder stands for it: the
   * republisher announces it at once, and it is published live before the round is due (P1).
   */
  @Test
  void aLostPublishInALargeGroupWaitingForItsRoundIsAnnouncedBeforeTheRound() {
    addMember(bob, 0);
    for (int i = 0; i < 19; i++) {
      addMember("member" + i + "-" + suffix, 0);
    }
    memberCount(1_001);
    markRecent();
    try (KafkaConsumer<String, byte[]> live = channelMessages()) {
      sendAndAnnounce(1, 1);
      await().atMost(DELIVERY).until(() -> activity(bob).equals(List.of(1L)));
      Instant nextRound = cql.execute("SELECT next_round_at FROM fanout_progress WHERE conversation_id = ?", conversationId)
          .one().getInstant("next_round_at");

      appendToTimeline(2); // stored; its publish was lost

      List<Long> publishedAt = new ArrayList<>();
      await().atMost(DELIVERY).until(() -> {
        live.poll(Duration.ofMillis(200)).forEach(record -> {
          MessageAppended message = Topics.CHANNEL_MESSAGE.decode(record.value());
          if (message.conversationId().equals(conversationId) && message.seq() == 2) {
            publishedAt.add(record.timestamp());
          }
        });
        return !publishedAt.isEmpty();
      });
      assertThat(Instant.ofEpochMilli(publishedAt.get(0))).as("message 2 published live, the round due at %s", nextRound)
          .isBefore(nextRound);
    }
  }

  /**
   * The instance that held a large group's reminder died: the group's progress (1) is behind what
   * was published live (3), its next round was due a second ago, and no instance remembers it. The
   * republisher announces it, and its watcher is told the head (P1).
   */
  @Test
  void aLargeGroupWhoseReminderDiedWithItsInstanceIsToldOnceItsRoundWasDue() {
    addMember(alice, 0);
    addMember(bob, 0);
    memberCount(1_001);
    sendAndAnnounce(1, 1);
    await().atMost(DELIVERY).until(() -> activity(bob).equals(List.of(1L)));
    watch(bob, 1);
    // What the dead instance left: 2 and 3 published live, its round due a second ago.
    appendToTimeline(2);
    appendToTimeline(3);
    cql.execute("UPDATE fanout_progress USING TIMESTAMP ? SET live_seq = 3 WHERE conversation_id = ?",
        ProgressStamps.of(3), conversationId);
    cql.execute("UPDATE fanout_progress SET next_round_at = ? WHERE conversation_id = ?", Instant.now().minusSeconds(1),
        conversationId);
    markRecent();

    await().atMost(DELIVERY).until(() -> activity(bob).contains(3L));
    assertThat(progress()).isEqualTo(tuple(3L, true));
  }

  /** What message-service does before it appends: the republisher looks at conversations marked so. */
  private void markRecent() {
    cql.execute("INSERT INTO recent_conversations (minute, shard, conversation_id) VALUES (?, ?, ?)",
        RecentActivity.minuteOf(Instant.now()), RecentActivity.shardOf(conversationId), conversationId);
  }

  private void sendAndAnnounce(long from, long to) {
    for (long seq = from; seq <= to; seq++) {
      appendToTimeline(seq);
      announce(seq);
    }
  }

  private void memberCount(int count) {
    cql.execute("UPDATE conversation_members SET member_count = ? WHERE conversation_id = ?", count, conversationId);
  }

  /** What sync-service does when it serves the user an entry up to {@code head} that sends them to the history. */
  private void watch(String userId, long head) {
    cql.execute("INSERT INTO channel_watchers (conversation_id, user_id, watching_since) VALUES (?, ?, ?) USING TIMESTAMP ?",
        conversationId, userId, Instant.now(), WatchStamps.served(head));
  }

  private List<String> watchers() {
    return cql.execute("SELECT user_id FROM channel_watchers WHERE conversation_id = ?", conversationId).all().stream()
        .map(row -> row.getString("user_id")).toList();
  }

  private List<Long> activity(String userId) {
    return conversationSeqsOf(userId, "channel-activity");
  }

  private List<Long> conversationSeqsOf(String userId, String kind) {
    return inbox(userId).stream().filter(row -> kind.equals(row.getString("kind")))
        .map(row -> row.getLong("conversation_seq")).toList();
  }

  private Object progress() {
    Row row = cql.execute("SELECT fanned_seq, read_fanout FROM fanout_progress WHERE conversation_id = ?", conversationId).one();
    return tuple(row.getLong("fanned_seq"), row.getBoolean("read_fanout"));
  }

  private KafkaConsumer<String, byte[]> channelMessages() {
    return readerFromEnd(Topics.CHANNEL_MESSAGES);
  }

  /** A reader of the topic from its end, positioned before anything is sent. */
  private KafkaConsumer<String, byte[]> readerFromEnd(String topic) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "read-fanout-it-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    return consumer;
  }

  /** The seqs of this conversation's messages in what one poll gives. */
  private List<Long> seqsOf(KafkaConsumer<String, byte[]> consumer, Topic<MessageAppended> topic) {
    List<Long> seqs = new ArrayList<>();
    consumer.poll(Duration.ofMillis(200)).forEach(record -> {
      MessageAppended message = topic.decode(record.value());
      if (message.conversationId().equals(conversationId)) {
        seqs.add(message.seq());
      }
    });
    return seqs;
  }

  /** The seqs of this conversation's published messages, once {@code count} of them came. */
  private List<Long> published(KafkaConsumer<String, byte[]> consumer, int count) {
    List<Long> seqs = new ArrayList<>();
    await().atMost(DELIVERY).until(() -> {
      seqs.addAll(seqsOf(consumer, Topics.CHANNEL_MESSAGE));
      return seqs.size() >= count;
    });
    return seqs;
  }
}
