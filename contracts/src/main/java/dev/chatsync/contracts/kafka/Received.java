package dev.chatsync.contracts.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record of a poll that decoded and keeps the contract, with where it came from. */
public record Received<T>(T value, ConsumerRecord<String, byte[]> record) {

  public long offset() {
    return record.offset();
  }
}
