package dev.chatsync.fanout.push;

import dev.chatsync.contracts.InboxAppend;
import dev.chatsync.contracts.InboxKind;
import dev.chatsync.contracts.MessageChanged;
import dev.chatsync.contracts.PoisonRecordException;
import dev.chatsync.contracts.Topics;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;

/**
 * The offline push notifier: a consumer group of its own on chat.inbox-appends, the records every
 * inbox entry is written from (durable, keyed by user, so it scales as stage 2 does). A message, or
 * a recall, made by someone else and reaching a user's inbox becomes a notification for each of the
 * user's devices that has a push target and no open stream, unless the user muted the conversation.
 * The poll's first notifications are sent before its offsets are committed: a crash sends them
 * again, with the same notification ids, which the device drops (at least once, P1 for pushes).
 */
class PushListener {

  private static final int PREVIEW_CHARACTERS = 100;

  private final PushDirectory directory;
  private final PushCoalescer coalescer;
  private final PushProperties properties;
  private final Clock clock = Clock.systemUTC();

  PushListener(PushDirectory directory, PushDispatcher dispatcher, PushProperties properties) {
    this.directory = directory;
    this.properties = properties;
    this.coalescer = new PushCoalescer(properties.coalesce().toMillis(), dispatcher::dispatch);
  }

  @KafkaListener(id = "fanout-push", topics = Topics.INBOX_APPENDS, batch = "true")
  void onAppends(List<ConsumerRecord<String, byte[]>> records, Acknowledgment ack) {
    // Per user and conversation the newest of the poll: it carries the unread count of all of them.
    Map<String, InboxAppend> newest = new LinkedHashMap<>();
    long now = clock.millis();
    long oldest = now - properties.maxAge().toMillis();
    for (ConsumerRecord<String, byte[]> record : records) {
      InboxAppend entry = readable(record);
      if (entry != null && pushed(entry) && entry.sentAtMillis() >= oldest) {
        newest.merge(entry.userId() + "\n" + entry.conversationId(), entry,
            (old, later) -> later.conversationSeq() >= old.conversationSeq() ? later : old);
      }
    }
    List<CompletableFuture<?>> sends = new ArrayList<>();
    newest.values().forEach(entry -> sends.addAll(notify(entry, now)));
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    coalescer.forgetQuiet(now);
    ack.acknowledge();
  }

  /**
   * The record's entry, or null for one that breaks the contract: stage 2, the topic's owner, puts
   * that in the dead-letter topic; a second copy from here would say the same twice.
   */
  private static InboxAppend readable(ConsumerRecord<String, byte[]> record) {
    try {
      return Topics.INBOX_APPEND.decode(record.value());
    } catch (PoisonRecordException poison) {
      return null;
    }
  }

  /**
   * A message or a recall by someone else, or a large group's activity up to a message of someone
   * else (its channel-activity entry names the head's sender): what a device is woken for.
   */
  private static boolean pushed(InboxAppend entry) {
    if (InboxKind.MESSAGE.wireName().equals(entry.kind()) || InboxKind.CHANNEL_ACTIVITY.wireName().equals(entry.kind())) {
      return !entry.userId().equals(entry.senderId());
    }
    return InboxKind.MESSAGE_UPDATED.wireName().equals(entry.kind()) && MessageChanged.RECALLED.equals(entry.change())
        && entry.actors() != null && !entry.actors().contains(entry.userId());
  }

  private List<CompletableFuture<?>> notify(InboxAppend entry, long now) {
    List<PushTarget> targets = directory.targets(entry.userId());
    if (targets.isEmpty()) {
      return List.of();
    }
    PushDirectory.Recipient recipient = directory.recipient(entry.userId(), entry.conversationId());
    if (recipient.muted()) {
      return List.of();
    }
    Set<String> streaming = directory.streamingDevices(entry.userId());
    String preview = properties.previews() && InboxKind.MESSAGE.wireName().equals(entry.kind()) ? preview(entry) : null;
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (PushTarget target : targets) {
      if (streaming.contains(target.deviceId())) {
        continue;
      }
      Notification notification = new Notification(notificationId(target, entry), entry.conversationId(),
          entry.conversationSeq(), entry.senderId(), recipient.unreadUpTo(entry.conversationSeq()), preview);
      sends.add(coalescer.offer(target, notification, now));
    }
    return sends;
  }

  private String preview(InboxAppend entry) {
    String text = directory.text(entry.conversationId(), entry.conversationSeq());
    return text == null ? null : text.length() <= PREVIEW_CHARACTERS ? text : text.substring(0, PREVIEW_CHARACTERS) + "…";
  }

  /** The same for every attempt and redelivery of this entry to this device, different for any other. */
  private static String notificationId(PushTarget target, InboxAppend entry) {
    String identity = target.userId() + "\n" + target.deviceId() + "\n" + entry.kind() + "\n" + entry.conversationId() + "\n"
        + entry.conversationSeq() + "\n" + entry.order();
    return UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
  }

  @PreDestroy
  void stop() {
    coalescer.stop(Duration.ofSeconds(5));
  }
}
