package dev.chatsync.contracts;

import java.time.Instant;

/**
 * The layout of {@code recent_conversations}, shared by its writer (message-service, before each
 * append) and its reader (the fanout's republisher, which finds stranded messages there, P1).
 */
public final class RecentActivity {

  /** Partitions per minute, so that one busy minute is not one hot partition. */
  public static final int SHARDS = 8;

  /** How long a row is kept: the republisher looks back far less than this. */
  public static final int TTL_SECONDS = 3600;

  private RecentActivity() {}

  public static long minuteOf(Instant at) {
    return at.getEpochSecond() / 60;
  }

  public static int shardOf(String conversationId) {
    return Math.floorMod(conversationId.hashCode(), SHARDS);
  }
}
