package dev.chatsync.sync.channel.kafka;

import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.PoisonRecordException;
import dev.chatsync.contracts.Topics;
import dev.chatsync.sync.channel.ChannelFeed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads all of {@code chat.channel-messages}, from its end, on a thread of its own, and hands each
 * poll to the {@link ChannelFeed}. No consumer group and nothing committed: every instance reads
 * every partition, and what was published while an instance was away is not pushed live (the
 * channel-activity entries tell it). A record that cannot be read is counted and skipped here; the
 * fanout, which wrote it, dead-letters nothing it did not refuse to send.
 */
@Component
class ChannelMessageReader implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ChannelMessageReader.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long RETRY_MILLIS = 1_000;

  private final ConsumerFactory<String, byte[]> consumers;
  private final ChannelFeed feed;
  private final Counter unreadable;
  private volatile Consumer<String, byte[]> consumer;
  private volatile Thread thread;
  private volatile boolean running;

  ChannelMessageReader(ConsumerFactory<String, byte[]> consumers, ChannelFeed feed, MeterRegistry meters) {
    this.consumers = consumers;
    this.feed = feed;
    this.unreadable = Counter.builder("chat.stream.live.unreadable")
        .description("Records of chat.channel-messages that could not be read, skipped").register(meters);
  }

  @Override
  public void start() {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    consumer = consumers.createConsumer(null, "sync-channels", null, properties);
    running = true;
    thread = new Thread(this::run, "sync-channel-reader");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    Consumer<String, byte[]> reading = consumer;
    try {
      assignAll(reading);
      while (running) {
        try {
          readOnePoll(reading);
        } catch (WakeupException stopping) {
          throw stopping;
        } catch (RuntimeException failure) {
          // The broker away, or a store call that threw: live pushes pause, the channel-activity entries still tell.
          log.warn("reading chat.channel-messages failed; going on in a second: {}", failure.toString());
          Thread.sleep(RETRY_MILLIS);
        }
      }
    } catch (WakeupException stopping) {
      // stop() woke the poll
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    } finally {
      reading.close();
    }
  }

  private void readOnePoll(Consumer<String, byte[]> reading) {
    List<MessageAppended> published = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : reading.poll(POLL)) {
      try {
        published.add(Topics.CHANNEL_MESSAGE.decode(record.value()));
      } catch (PoisonRecordException poison) {
        unreadable.increment();
      }
    }
    if (!published.isEmpty()) {
      feed.received(published);
    }
  }

  /** Every partition from its end; waits for the topic to exist (setup creates it). */
  private void assignAll(Consumer<String, byte[]> reading) {
    while (running) {
      List<PartitionInfo> partitions;
      try {
        partitions = reading.partitionsFor(Topics.CHANNEL_MESSAGES, Duration.ofSeconds(5));
      } catch (TimeoutException brokerAway) {
        partitions = List.of();
      }
      if (partitions != null && !partitions.isEmpty()) {
        List<TopicPartition> all = partitions.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        reading.assign(all);
        reading.seekToEnd(all);
        return;
      }
      try {
        Thread.sleep(RETRY_MILLIS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void stop() {
    running = false;
    Consumer<String, byte[]> reading = consumer;
    if (reading != null) {
      reading.wakeup();
    }
    Thread current = thread;
    if (current != null) {
      try {
        current.join(10_000);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
