package dev.chatsync.contracts;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BinaryOperator;

/**
 * Facts this instance learned from its own writes and reads, kept to save a Cassandra operation
 * next time. Bounded by forgetting everything at once when full: every user of a memo must stay
 * correct with it empty, only slower.
 */
public final class Memo<K, V> {

  private final ConcurrentHashMap<K, V> facts = new ConcurrentHashMap<>();
  private final int capacity;

  /** @param capacity how many facts at most; 0 remembers nothing */
  public Memo(int capacity) {
    this.capacity = capacity;
  }

  /** The fact remembered for {@code key}, or null. */
  public V get(K key) {
    return facts.get(key);
  }

  /** Forgets what was learned of {@code key}, when it may no longer hold. */
  public void forget(K key) {
    facts.remove(key);
  }

  /** Forgets everything, when what was learned may no longer hold. */
  public void clear() {
    facts.clear();
  }

  /** Remembers {@code value}, combined with what was known with {@code merge}. */
  public void remember(K key, V value, BinaryOperator<V> merge) {
    if (capacity == 0) {
      return;
    }
    if (facts.size() >= capacity) {
      facts.clear();
    }
    facts.merge(key, value, merge);
  }
}
