package dev.chatsync.contracts;

import java.nio.charset.StandardCharsets;

/**
 * The partition Kafka's default partitioner gives a keyed record (murmur2 of the key's UTF-8 bytes,
 * made positive, modulo the partition count), computed without the Kafka client: the gateway
 * routes a user's stream by the partition of {@code chat.inbox-notify} that carries the user's
 * notifications, and has no Kafka client. A test keeps this equal to the client's own.
 */
public final class KeyPartitions {

  private static final int SEED = 0x9747b28c;
  private static final int MIX = 0x5bd1e995;
  private static final int SHIFT = 24;

  private KeyPartitions() {}

  public static int of(String key, int partitions) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("a topic has at least one partition, not " + partitions);
    }
    return (murmur2(key.getBytes(StandardCharsets.UTF_8)) & 0x7fffffff) % partitions;
  }

  /** MurmurHash2, 32 bits, little-endian blocks, as the Kafka client hashes record keys. */
  static int murmur2(byte[] data) {
    int length = data.length;
    int h = SEED ^ length;
    int blocks = length / 4;
    for (int i = 0; i < blocks; i++) {
      int at = i * 4;
      int k = (data[at] & 0xff) | ((data[at + 1] & 0xff) << 8) | ((data[at + 2] & 0xff) << 16) | ((data[at + 3] & 0xff) << 24);
      k *= MIX;
      k ^= k >>> SHIFT;
      k *= MIX;
      h *= MIX;
      h ^= k;
    }
    int tail = blocks * 4;
    switch (length % 4) {
      case 3:
        h ^= (data[tail + 2] & 0xff) << 16;
      case 2:
        h ^= (data[tail + 1] & 0xff) << 8;
      case 1:
        h ^= data[tail] & 0xff;
        h *= MIX;
      default:
    }
    h ^= h >>> 13;
    h *= MIX;
    h ^= h >>> 15;
    return h;
  }
}
