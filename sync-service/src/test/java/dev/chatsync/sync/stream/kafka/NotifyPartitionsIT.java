package dev.chatsync.sync.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.KeyPartitions;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.sync.SyncApplication;
import dev.chatsync.sync.stream.InboxWakeups;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.Disposable;

/**
 * Two sync-service instances on the real broker, each following only the notification partitions
 * of the users whose wakeups it holds: what each reads falls with the instances sharing the users.
 */
class NotifyPartitionsIT {

  private static ConfigurableApplicationContext first;
  private static ConfigurableApplicationContext second;
  private static int partitions;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final List<Disposable> held = new ArrayList<>();

  @BeforeAll
  static void twoInstances() {
    first = instance();
    second = instance();
    partitions = first.getBean(KafkaTemplate.class).partitionsFor(Topics.INBOX_NOTIFY).size();
    assertThat(partitions).as("the test needs two or more partitions to split").isGreaterThan(1);
    await().atMost(Duration.ofSeconds(60)).until(() -> first.getBean(KafkaInboxWakeups.class).health().getStatus().getCode()
        .equals("UP") && second.getBean(KafkaInboxWakeups.class).health().getStatus().getCode().equals("UP"));
  }

  private static ConfigurableApplicationContext instance() {
    return new SpringApplicationBuilder(SyncApplication.class).profiles("local")
        .run("--server.port=0", "--chat.stream.notify-linger=1s");
  }

  @AfterAll
  static void stop() {
    for (ConfigurableApplicationContext context : List.of(first, second)) {
      if (context != null) {
        context.close();
      }
    }
  }

  @org.junit.jupiter.api.AfterEach
  void letGo() {
    held.forEach(Disposable::dispose);
    // Each test starts with nothing followed.
    await().atMost(Duration.ofSeconds(30)).until(() -> followed(first) == 0 && followed(second) == 0);
  }

  @Test
  void aNewlyFollowedPartitionMissesNoNotificationSentOnceTheWakeupsListen() {
    String bob = "bob-" + run;
    List<Long> heads = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> listening = new CompletableFuture<>();
    held.add(first.getBean(InboxWakeups.class).of(bob).subscribe(wakeup -> {
      if (wakeup.equals(InboxWakeups.LISTENING)) {
        listening.complete(null);
      } else {
        heads.add(wakeup.head());
      }
    }));
    listening.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
    assertThat(followed(first)).isEqualTo(1);

    notify(bob, 7);
    await().atMost(Duration.ofSeconds(15)).until(() -> heads.contains(7L));
  }

  @Test
  void aPartitionIsLetGoAfterItsLastStreamAndTheLinger() {
    Disposable stream = hold(first, "carol-" + run);
    assertThat(followed(first)).isEqualTo(1);
    stream.dispose();
    await().atMost(Duration.ofSeconds(15)).until(() -> followed(first) == 0);
  }

  /**
   * Letting one partition go while another is busy: the busy one goes on from where it was, and
   * no notification of it goes unread (an empty seek would have moved it to its end).
   */
  @Test
  void lettingAPartitionGoSkipsNothingOfTheOthers() {
    Map<Integer, String> userOfPartition = usersOfEveryPartition();
    String busy = userOfPartition.get(0);
    hold(first, busy);
    Disposable leaving = hold(first, userOfPartition.get(1));
    assertThat(followed(first)).isEqualTo(2);

    double before = read(first);
    TopicProducer<InboxNotify> producer = new TopicProducer<>(Topics.INBOX_NOTIFIED, first.getBean(KafkaTemplate.class));
    List<CompletableFuture<?>> sends = new ArrayList<>();
    leaving.dispose();
    // Notifications keep coming on the busy partition while the other is let go (after the linger).
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
      for (int i = 0; i < 20; i++) {
        sends.add(producer.send(new InboxNotify(busy, sends.size() + 1)));
      }
      return followed(first) == 1;
    });
    for (int i = 0; i < 200; i++) {
      sends.add(producer.send(new InboxNotify(busy, sends.size() + 1)));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    await().atMost(Duration.ofSeconds(30)).until(() -> read(first) - before == sends.size());
  }

  /**
   * The gateway sends the streams of half the partitions to each instance; compared with one
   * instance holding them all, each reads about half the notifications, and together they read each
   * notification once.
   */
  @Test
  void twoInstancesSplittingThePartitionsReadHalfTheNotificationsEach() {
    Map<Integer, String> userOfPartition = usersOfEveryPartition();
    IntPredicate toFirst = partition -> partition < partitions / 2;
    userOfPartition.forEach((partition, user) -> hold(toFirst.test(partition) ? first : second, user));
    assertThat(followed(first) + followed(second)).isEqualTo(partitions);

    int sent = 600;
    Map<String, Long> split = readWhile(sent, userOfPartition);
    long expectedFirst = expectedOn(sent, userOfPartition, toFirst);
    assertThat(split.get("first")).isEqualTo(expectedFirst);
    assertThat(split.get("second")).isEqualTo(sent - expectedFirst);

    // Now the first instance holds a stream of every partition, as every instance did before.
    userOfPartition.forEach((partition, user) -> {
      if (!toFirst.test(partition)) {
        hold(first, user);
      }
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> followed(first) == partitions);
    Map<String, Long> all = readWhile(sent, userOfPartition);
    assertThat(all.get("first")).isEqualTo(sent);

    System.out.printf("notifications read per instance, %d sent over %d partitions: one instance following every "
        + "partition %d; two instances splitting them %d and %d (%.0f %% and %.0f %% of one)%n", sent, partitions,
        all.get("first"), split.get("first"), split.get("second"), 100.0 * split.get("first") / all.get("first"),
        100.0 * split.get("second") / all.get("first"));
    assertThat(Math.max(split.get("first"), split.get("second"))).isLessThan(all.get("first"));
  }

  /** Sends {@code count} notifications to the users round the partitions; what each instance read meanwhile. */
  private Map<String, Long> readWhile(int count, Map<Integer, String> userOfPartition) {
    double firstBefore = read(first);
    double secondBefore = read(second);
    List<String> users = List.copyOf(userOfPartition.values());
    List<CompletableFuture<?>> sends = new ArrayList<>();
    TopicProducer<InboxNotify> producer = new TopicProducer<>(Topics.INBOX_NOTIFIED, first.getBean(KafkaTemplate.class));
    for (int i = 0; i < count; i++) {
      sends.add(producer.send(new InboxNotify(users.get(i % users.size()), i + 1)));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    // Each record is read by exactly one instance when they split the partitions; by the first when it holds all.
    await().atMost(Duration.ofSeconds(30)).until(() -> read(first) - firstBefore + read(second) - secondBefore >= count);
    return Map.of("first", (long) (read(first) - firstBefore), "second", (long) (read(second) - secondBefore));
  }

  private static long expectedOn(int count, Map<Integer, String> userOfPartition, IntPredicate toFirst) {
    List<Integer> partitionsInOrder = List.copyOf(userOfPartition.keySet());
    long onFirst = 0;
    for (int i = 0; i < count; i++) {
      int partition = partitionsInOrder.get(i % partitionsInOrder.size());
      onFirst += toFirst.test(partition) ? 1 : 0;
    }
    return onFirst;
  }

  private Map<Integer, String> usersOfEveryPartition() {
    Map<Integer, String> users = new HashMap<>();
    for (int i = 0; users.size() < partitions; i++) {
      String user = "u" + i + "-" + run;
      users.putIfAbsent(KeyPartitions.of(user, partitions), user);
    }
    return new java.util.TreeMap<>(users);
  }

  private void notify(String user, long head) {
    new TopicProducer<>(Topics.INBOX_NOTIFIED, first.getBean(KafkaTemplate.class)).send(new InboxNotify(user, head)).join();
  }

  private Disposable hold(ConfigurableApplicationContext instance, String user) {
    CompletableFuture<Void> listening = new CompletableFuture<>();
    Disposable stream = instance.getBean(InboxWakeups.class).of(user).subscribe(wakeup -> {
      if (wakeup.equals(InboxWakeups.LISTENING)) {
        listening.complete(null);
      }
    });
    held.add(stream);
    listening.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
    return stream;
  }

  private static int followed(ConfigurableApplicationContext instance) {
    return (int) instance.getBean(MeterRegistry.class).get("chat.stream.notify.partitions").gauge().value();
  }

  private static double read(ConfigurableApplicationContext instance) {
    return instance.getBean(MeterRegistry.class).get("chat.stream.notifications.read").counter().count();
  }
}
