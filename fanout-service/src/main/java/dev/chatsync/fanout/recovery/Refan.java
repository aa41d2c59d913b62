package dev.chatsync.fanout.recovery;

import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.fanout.expand.FanoutProgress;
import dev.chatsync.fanout.expand.Timeline;
import dev.chatsync.fanout.expand.TimelineMessage;
import java.util.function.Consumer;

/**
 * Hands one conversation's messages from a seq to stage 2 again, for every member: a member whose
 * inbox stops before them (an expansion that missed its tail) gets them; a member whose inbox has a
 * later message of the conversation skips them all (stage 2 keeps each conversation in seq order,
 * P2, P3): for a member missing messages in the middle, rebuild that member's inbox. Runs while the
 * fanout is stopped; the fanout does the work when it starts.
 */
final class Refan {

  private final ConsumerGroups groups;
  private final Timeline timeline;
  private final FanoutProgress progress;
  private final TopicProducer<MessageAppended> events;
  private final Consumer<String> say;

  Refan(ConsumerGroups groups, Timeline timeline, FanoutProgress progress, TopicProducer<MessageAppended> events,
      Consumer<String> say) {
    this.groups = groups;
    this.timeline = timeline;
    this.progress = progress;
    this.events = events;
    this.say = say;
  }

  void run(String conversationId, long fromSeq) throws Exception {
    groups.requireIdle();
    TimelineMessage newest = timeline.newestAfter(conversationId, 0)
        .orElseThrow(() -> new RecoveryException("conversation " + conversationId + " has no messages"));
    if (fromSeq < 1 || fromSeq > newest.seq()) {
      throw new RecoveryException("--from-seq must be between 1 and the conversation's head " + newest.seq());
    }
    long from = progress.rewind(conversationId, fromSeq - 1) + 1;
    events.send(new MessageAppended(conversationId, newest.seq(), newest.messageId(), newest.senderId(),
        newest.sentAt().toEpochMilli())).join();
    say.accept(conversationId + ": seqs " + from + " to " + newest.seq() + " will be handed to every member again when the "
        + "fanout starts; a member whose inbox has a later message of it already skips them (use rebuild --user for that member)");
  }
}
