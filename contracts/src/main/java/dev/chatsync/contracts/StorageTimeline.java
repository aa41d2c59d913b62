package dev.chatsync.contracts;

/**
 * The partitioning of {@code messages_by_conversation} and how its rows read, shared by its writer
 * (message-service) and its readers (message-service history, sync-service).
 */
public final class StorageTimeline {

  /**
   * Messages per partition. Fixed for the life of the data: changing it would make existing
   * messages unreadable.
   */
  public static final long BUCKET_SIZE = 1000;

  private StorageTimeline() {}

  public static long bucketOf(long seq) {
    return seq / BUCKET_SIZE;
  }

  /** The type a recalled message shows, whatever it was sent as. */
  public static final String RECALLED = "recalled";

  /**
   * The text a message shows: the edited body over the first, and none once recalled, whatever the
   * text cells still hold (the V006 migration: a recall deletes them after it marks the row).
   */
  public static String shownBody(String body, String editedBody, boolean recalled) {
    return recalled ? null : editedBody != null ? editedBody : body;
  }

  public static String shownType(String type, boolean recalled) {
    return recalled ? RECALLED : type;
  }
}
