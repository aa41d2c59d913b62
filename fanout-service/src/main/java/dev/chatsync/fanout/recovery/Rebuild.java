package dev.chatsync.fanout.recovery;

import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.fanout.expand.FanoutProgress;
import dev.chatsync.fanout.expand.MemberDirectory;
import dev.chatsync.fanout.expand.Timeline;
import dev.chatsync.fanout.expand.TimelineMessage;
import dev.chatsync.fanout.inbox.InboxStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Rebuilds inboxes after their entries were lost or damaged: every message sent since a point in
 * time reaches every member again, once and in order, from the storage timeline (the source of
 * truth) and chat.messages (which conversations had messages since then). It runs while the
 * fanout is stopped and leaves the work to it: when it starts again, stage 1 expands the
 * conversations from where the rebuild set their progress, and stage 2 writes the rebuilt inboxes.
 *
 * <ol>
 *   <li>The conversations: every one announced on chat.messages since the time, from the lowest
 *       seq announced, and further back to the first message sent at or after the time (a
 *       publish may have been lost and covered by a later event).
 *   <li>The users: every member of those conversations (or the one user asked for). Each gets a
 *       new inbox generation above every seq they ever had (P4: no device cursor is above a new
 *       entry; devices get 410 and rebuild from history), empty progress marks, and a mark on
 *       chat.inbox-appends below which message entries are from before the rebuild: the
 *       re-expansion brings them again, in order (P2, P3).
 *   <li>Each conversation's stage-1 progress goes back to just before its first message since the
 *       time, and one event announcing its newest message makes stage 1 expand it from there when
 *       it runs again. Members whose inboxes were not rebuilt skip what they have (P2, P8).
 * </ol>
 */
final class Rebuild {

  private static final int PAGE = 500;

  private final ConsumerGroups groups;
  private final MessageLog log;
  private final Timeline timeline;
  private final MemberDirectory members;
  private final FanoutProgress progress;
  private final InboxStore inboxes;
  private final TopicProducer<MessageAppended> events;
  private final Consumer<String> say;

  Rebuild(ConsumerGroups groups, MessageLog log, Timeline timeline, MemberDirectory members, FanoutProgress progress,
      InboxStore inboxes, TopicProducer<MessageAppended> events, Consumer<String> say) {
    this.groups = groups;
    this.log = log;
    this.timeline = timeline;
    this.members = members;
    this.progress = progress;
    this.inboxes = inboxes;
    this.events = events;
    this.say = say;
  }

  /** @param onlyUser the one user to rebuild, or empty for every member of the conversations found */
  void run(Instant since, Optional<String> onlyUser) throws Exception {
    groups.requireIdle();
    say.accept("reading chat.messages since " + since);
    Map<TopicPartition, Long> from = groups.offsetsAt(Topics.MESSAGES, since);
    Map<TopicPartition, Long> to = groups.endOffsets(from.keySet());
    Map<String, Long> announced = log.lowestSeqs(from, to, read -> say.accept("  " + read + " events read"));
    say.accept(announced.size() + " conversations had messages since then");

    Map<String, Long> firstSince = new LinkedHashMap<>();
    TreeSet<String> users = new TreeSet<>();
    for (var conversation : announced.entrySet()) {
      List<MemberDirectory.Recipient> recipients = members.members(conversation.getKey());
      if (onlyUser.isPresent() && recipients.stream().noneMatch(member -> member.userId().equals(onlyUser.get()))) {
        continue;
      }
      firstSince.put(conversation.getKey(), firstSentSince(conversation.getKey(), conversation.getValue(), since));
      recipients.forEach(member -> users.add(member.userId()));
    }
    if (onlyUser.isPresent()) {
      users.retainAll(List.of(onlyUser.get()));
    }

    List<TopicPartition> inboxPartitions = groups.partitions(Topics.INBOX_APPENDS);
    Map<TopicPartition, Long> inboxEnds = groups.endOffsets(inboxPartitions);
    int done = 0;
    for (String user : users) {
      TopicPartition partition = new TopicPartition(Topics.INBOX_APPENDS, partitionOf(user, inboxPartitions.size()));
      long base = inboxes.startGeneration(user, inboxEnds.get(partition)).toCompletableFuture().join();
      if (++done % 100 == 0 || done == users.size()) {
        say.accept("  " + done + " of " + users.size() + " inboxes started again (" + user + " above " + base + ")");
      }
    }

    List<String> announcedAgain = new ArrayList<>();
    for (var conversation : firstSince.entrySet()) {
      Optional<TimelineMessage> newest = timeline.newestAfter(conversation.getKey(), 0);
      if (newest.isEmpty()) {
        continue;
      }
      progress.rewind(conversation.getKey(), conversation.getValue() - 1);
      TimelineMessage message = newest.get();
      events.send(new MessageAppended(message.conversationId(), message.seq(), message.messageId(), message.senderId(),
          message.sentAt().toEpochMilli())).join();
      announcedAgain.add(conversation.getKey() + " from seq " + conversation.getValue() + " to " + message.seq());
    }
    say.accept(users.size() + " inboxes rebuilt from " + announcedAgain.size() + " conversations: start the fanout, "
        + "it expands them again");
    announcedAgain.forEach(line -> say.accept("  " + line));
  }

  /** The first message sent at or after {@code since}, looking back from the lowest seq announced. */
  private long firstSentSince(String conversationId, long announced, Instant since) {
    long first = announced;
    while (first > 1) {
      List<TimelineMessage> before = timeline.after(conversationId, Math.max(0, first - 1 - PAGE), first - 1, PAGE);
      int index = before.size() - 1;
      while (index >= 0 && !before.get(index).sentAt().isBefore(since)) {
        first = before.get(index).seq();
        index--;
      }
      if (index >= 0 || before.isEmpty()) {
        return first;
      }
    }
    return first;
  }

  /** The partition Kafka's producer puts a key in (murmur2 of its UTF-8 bytes), as TopicProducer sends. */
  static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
