package dev.chatsync.contracts;

/**
 * The Kafka topics between the services. Partition counts live with the deployment
 * ({@code deploy/kafka/topics.conf}); a test keeps the names there equal to these. The names are
 * constants for {@code @KafkaListener}; the typed {@link Topic}s carry the record type and key.
 */
public final class Topics {

  public static final String MESSAGES = "chat.messages";
  public static final String INBOX_APPENDS = "chat.inbox-appends";
  public static final String INBOX_NOTIFY = "chat.inbox-notify";
  public static final String READS = "chat.reads";
  public static final String MESSAGE_CHANGES = "chat.message-changes";
  public static final String CHANNEL_MESSAGES = "chat.channel-messages";

  /** Key = conversation id, so one stage-1 consumer sees a conversation in order. */
  public static final Topic<MessageAppended> MESSAGE_APPENDED =
      Topic.of(MESSAGES, MessageAppended.class, MessageAppended::conversationId);

  /** Key = user id, so one stage-2 consumer is the only writer of an inbox. */
  public static final Topic<InboxAppend> INBOX_APPEND = Topic.of(INBOX_APPENDS, InboxAppend.class, InboxAppend::userId);

  /** Key = user id. */
  public static final Topic<InboxNotify> INBOX_NOTIFIED = Topic.of(INBOX_NOTIFY, InboxNotify.class, InboxNotify::userId);

  /** Key = conversation id, so one consumer sees all the reads of a conversation, in order, and coalesces receipts. */
  public static final Topic<ReadMoved> READ_MOVED = Topic.of(READS, ReadMoved.class, ReadMoved::conversationId);

  /**
   * Key = conversation id: one consumer sees a conversation's changes in the order they were
   * announced (stage 2 keeps the newest version of each message anyway).
   */
  public static final Topic<MessageChanged> MESSAGE_CHANGED =
      Topic.of(MESSAGE_CHANGES, MessageChanged.class, MessageChanged::conversationId);

  /**
   * The messages of groups delivered by read fanout, in seq order per conversation (key =
   * conversation id), as stage 1 expands them: every sync-service instance reads them all and
   * pushes each to the open streams of the members it holds. Live only: nothing is kept for a
   * reader that was not there, who reads history instead.
   */
  public static final Topic<MessageAppended> CHANNEL_MESSAGE =
      Topic.of(CHANNEL_MESSAGES, MessageAppended.class, MessageAppended::conversationId);

  private Topics() {}
}
