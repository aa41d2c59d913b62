package dev.chatsync.message.send.owner;

import dev.chatsync.message.send.SendDedup.Key;
import dev.chatsync.message.timeline.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The owner's in-memory state of one conversation under one lease epoch: its head, the sends
 * waiting for the next batch, and the sends of its recent batches by clientMsgId. Only one batch
 * is written at a time, so at most one batch of a conversation is ever unrecorded in send_dedup
 * when an owner dies, which is what a new owner's tail scan covers (P5). Not thread-safe on its
 * own: every method is called under the log's monitor by {@link ConversationLogs}.
 */
final class ConversationLog {

  /** A send waiting for its seq: its message, complete but for the seq, and who waits for it. */
  record Waiting(Key key, String messageId, String type, String body, CompletableFuture<Message> result) {}

  private static final int REMEMBERED_SENDS = 256;

  final String conversationId;
  final long epoch;
  private long head;
  private long touchedMinute = Long.MIN_VALUE;
  private boolean writing;
  private boolean retired;
  private long lastUsedNanos;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private final Map<Key, Waiting> queuedByKey = new HashMap<>();
  private final LinkedHashMap<Key, Message> recent = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Message> eldest) {
      return size() > REMEMBERED_SENDS;
    }
  };

  ConversationLog(String conversationId, long epoch, long head, List<Message> tail, long nanos) {
    this.conversationId = conversationId;
    this.epoch = epoch;
    this.head = head;
    this.lastUsedNanos = nanos;
    tail.forEach(this::remember);
  }

  long head() {
    return head;
  }

  boolean retired() {
    return retired;
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  /** A send this log stored, or one already waiting under the same key (a concurrent retry). */
  Optional<CompletableFuture<Message>> known(Key key) {
    Message sent = recent.get(key);
    if (sent != null) {
      return Optional.of(CompletableFuture.completedFuture(sent));
    }
    return Optional.ofNullable(queuedByKey.get(key)).map(Waiting::result);
  }

  /** Queues the send; true if no batch is being written, and the caller must start one. */
  boolean enqueue(Waiting waiting, long nanos) {
    lastUsedNanos = nanos;
    queue.add(waiting);
    queuedByKey.put(waiting.key(), waiting);
    return !writing;
  }

  /** The next batch, with its seqs, or empty if there is none or one is being written. */
  List<Waiting> startBatch(int maxSize) {
    if (writing || queue.isEmpty() || retired) {
      return List.of();
    }
    writing = true;
    List<Waiting> batch = new ArrayList<>();
    while (batch.size() < maxSize && !queue.isEmpty()) {
      batch.add(queue.poll());
    }
    return batch;
  }

  long nextSeq() {
    return head + 1;
  }

  /** Whether the conversation was already announced as recently active in this minute. */
  boolean touchedIn(long minute) {
    return touchedMinute == minute;
  }

  void stored(List<Message> batch, long minute) {
    head = batch.get(batch.size() - 1).seq();
    touchedMinute = minute;
    batch.forEach(message -> {
      remember(message);
      queuedByKey.remove(new Key(conversationId, message.senderId(), message.clientMsgId()));
    });
    writing = false;
  }

  /**
   * The batch failed, or was stored after the lease ran out: whether it landed is unknown, so
   * nothing this log believes can be trusted. It takes no more sends; the waiting ones are handed
   * back to be sent again through a fresh log, which reads the head and the tail anew.
   */
  List<Waiting> retire(List<Waiting> batch) {
    retired = true;
    writing = false;
    batch.forEach(waiting -> queuedByKey.remove(waiting.key()));
    List<Waiting> rest = new ArrayList<>(queue);
    queue.clear();
    queuedByKey.clear();
    return rest;
  }

  /** Retires the log if nothing is waiting or being written: a later send loads a fresh one. */
  boolean retireIfIdle() {
    if (writing || !queue.isEmpty()) {
      return false;
    }
    retired = true;
    return true;
  }

  private void remember(Message message) {
    recent.put(new Key(conversationId, message.senderId(), message.clientMsgId()), message);
  }
}
