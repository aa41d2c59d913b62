package dev.chatsync.contracts;

/**
 * The partitioning of {@code messages_by_conversation}, shared by its writer (message-service)
 * and its readers (message-service history, sync-service).
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
}
