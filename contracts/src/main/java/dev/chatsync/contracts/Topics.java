package dev.chatsync.contracts;

/**
 * The Kafka topics between the services. Partition counts live with the deployment
 * ({@code deploy/kafka/topics.conf}); a test keeps the names there equal to these.
 */
public final class Topics {

  /** {@link MessageAppended} records; key = conversation id, so a conversation stays in order. */
  public static final String MESSAGES = "chat.messages";

  /** {@link InboxAppend} records; key = user id, so one consumer is the only writer of an inbox. */
  public static final String INBOX_APPENDS = "chat.inbox-appends";

  /** {@link InboxNotify} records; key = user id. */
  public static final String INBOX_NOTIFY = "chat.inbox-notify";

  /** {@link ReadMoved} records; key = conversation id, so a conversation's reads stay in order. */
  public static final String READS = "chat.reads";

  private Topics() {}
}
