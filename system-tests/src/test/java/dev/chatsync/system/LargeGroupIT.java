package dev.chatsync.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.system.ApiClient.Event;
import dev.chatsync.system.ApiClient.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read fanout end to end, through the gateway with all four services as processes on the real
 * broker and node: a read-fanout threshold of 4 members makes a group of 6 a large group.
 */
class LargeGroupIT {

  private static final int THRESHOLD = 4;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static LocalSystem system;
  private static ApiClient api;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void startTheServices() throws Exception {
    system = LocalSystem.start("large-groups", Map.of(
        "CHAT_FANOUT_READFANOUTTHRESHOLD", Integer.toString(THRESHOLD),
        "CHAT_FANOUT_CHANNELACTIVITYINTERVAL", "1s",
        // The fanout reads the member count for each page: a switch takes effect with the next message.
        "CHAT_FANOUT_MEMBERCOUNTFRESH", "0s"));
    api = new ApiClient(system.gatewayPort);
  }

  @AfterAll
  static void stopTheServices() throws Exception {
    if (system != null) {
      system.close();
    }
  }

  /**
   * A group grows past the threshold, gets messages, loses a member, and shrinks back below it. A
   * member with a stream gets every message live (no inbox id); members without one get
   * channel-activity entries, at most one until a device of theirs is served it, and read the
   * history; a removed member's stream gets nothing after the removal (P6). Across both switches
   * each member's device, acting as docs/api.md tells clients to, shows every message once and in
   * order, and no inbox holds an entry twice (P1, P2, P3).
   */
  @Test
  void aGroupCrossingTheThresholdBothWaysDeliversEveryMessageOnceToEveryMember() throws Exception {
    String x = "x-" + suffix;
    String a = "a-" + suffix;
    String b = "b-" + suffix;
    String c = "c-" + suffix;
    String d = "d-" + suffix;
    String e = "e-" + suffix;
    Response created = api.call("POST", "/conversations", x,
        "{\"type\":\"group\",\"title\":\"Large\",\"members\":[\"" + a + "\",\"" + b + "\",\"" + c + "\"]}");
    assertThat(created.status()).isEqualTo(201);
    String conversationId = created.json("$.conversationId");
    Response grown = api.call("POST", "/conversations/" + conversationId + "/members", x,
        "{\"userIds\":[\"" + d + "\",\"" + e + "\"]}");
    assertThat(grown.<Integer>json("$.memberCount")).isEqualTo(6);
    assertThat(memberPages(x, conversationId, 4)).containsExactlyInAnyOrder(x, a, b, c, d, e);
    assertThat(api.call("GET", "/conversations/" + conversationId + "/members?pageToken=forged", x, null).status()).isEqualTo(400);

    try (ApiClient.Stream streamA = api.stream(a, "phone", null);
        ApiClient.Stream streamD = api.stream(d, "phone", null)) {
      awaitOpen(x, Map.of(a, streamA, d, streamD));
      OnlineDevice phoneA = new OnlineDevice(a, conversationId, streamA);
      OnlineDevice phoneD = new OnlineDevice(d, conversationId, streamD);
      sendAll(x, conversationId, 1, 10);
      phoneA.showUpTo(10);
      phoneD.showUpTo(10);

      // The creator removes d at head 10: d's stream gets nothing of the group after it (P6), and its
      // history stops there.
      assertThat(api.call("DELETE", "/conversations/" + conversationId + "/members/" + d, x, null).status()).isEqualTo(204);
      sendAll(x, conversationId, 11, 15);
      phoneA.showUpTo(15);
      phoneD.drain(Duration.ofSeconds(3));
      assertThat(phoneA.shown()).containsExactlyElementsOf(seqs(1, 15));
      assertThat(phoneD.shown()).containsExactlyElementsOf(seqs(1, 10));
      assertThat(phoneD.live()).allSatisfy(seq -> assertThat(seq).isLessThanOrEqualTo(10));
      assertThat(phoneA.live()).as("pushed live").isNotEmpty().doesNotHaveDuplicates();
      System.out.printf("[large-group] a's stream: %d of 15 messages came live (no inbox id) before the history, read on "
          + "channel-activity, gave them; to the member removed at 10, live: %s%n", phoneA.live().size(), phoneD.live());

      // While the group is large the list reads its head: c's inbox has no entry per message.
      assertThat(unread(c, conversationId)).isEqualTo(15);

      // b pulls: channel-activity entries only, and the history gives the messages.
      Device deviceB = new Device(b, conversationId);
      deviceB.pull();
      assertThat(deviceB.kinds()).containsOnly("channel-activity");
      assertThat(deviceB.shown()).containsExactlyElementsOf(seqs(1, 15));

      // e leaves: 4 members, and the group is delivered by write fanout again.
      assertThat(api.call("DELETE", "/conversations/" + conversationId + "/members/" + e, e, null).status()).isEqualTo(204);
      send(b, conversationId, "after-switch", "message 16");
      Event sixteen = nextMessage(streamA, conversationId);
      while (sixteen.<Integer>json("$.message.seq") != 16) {
        sixteen = nextMessage(streamA, conversationId); // a late live push of an earlier message
      }
      assertThat(sixteen.id()).as("a message entry again, with its inbox id").isNotNull();
      assertThat(sixteen.<Integer>json("$.message.seq")).isEqualTo(16);

      deviceB.pull();
      assertThat(deviceB.shown()).containsExactlyElementsOf(seqs(1, 16));
      // c's devices were served nothing until now: one channel-activity entry stood for fifteen messages.
      Device deviceC = new Device(c, conversationId);
      deviceC.pull();
      assertThat(deviceC.shown()).containsExactlyElementsOf(seqs(1, 16));
      assertThat(deviceC.kinds()).containsExactly("channel-activity", "message");
      System.out.printf("[large-group] inbox entries for 16 messages: b (pulled twice) %s, c (pulled once) %s%n",
          deviceB.kinds(), deviceC.kinds());
    }
  }

  /**
   * A device with a stream, acting as docs/api.md tells clients to: a live message (no id) is shown
   * by its seq; a channel-activity or membership entry sends it to the history, read after the
   * newest message it shows to the end. A live push that did not come (they are not the only
   * delivery) is then read from the history.
   */
  private static final class OnlineDevice {
    private final String userId;
    private final String conversationId;
    private final ApiClient.Stream stream;
    private final TreeSet<Long> shown = new TreeSet<>();
    private final List<Long> live = new ArrayList<>();

    OnlineDevice(String userId, String conversationId, ApiClient.Stream stream) {
      this.userId = userId;
      this.conversationId = conversationId;
      this.stream = stream;
    }

    void showUpTo(long seq) throws Exception {
      while (shown.isEmpty() || shown.last() < seq || shown.size() < shown.last()) {
        take(stream.next(WAIT));
      }
    }

    void drain(Duration quiet) throws Exception {
      long until = System.nanoTime() + quiet.toNanos();
      while (System.nanoTime() < until) {
        Event event = stream.events().poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (event != null) {
          take(event);
        }
      }
    }

    private void take(Event event) throws Exception {
      if (!conversationId.equals(event.json("$.conversationId"))) {
        return;
      }
      if ("message".equals(event.kind())) {
        long seq = event.<Integer>json("$.message.seq").longValue();
        if (event.id() == null) {
          live.add(seq);
        }
        shown.add(seq);
      } else if ("channel-activity".equals(event.kind()) || "membership".equals(event.kind())) {
        while (true) {
          long last = shown.isEmpty() ? 0 : shown.last();
          Response page = api.call("GET", "/conversations/" + conversationId + "/messages?after=" + last + "&limit=200", userId,
              null);
          assertThat(page.status()).isEqualTo(200);
          List<Integer> seqs = page.json("$.items[*].seq");
          seqs.forEach(seq -> shown.add(seq.longValue()));
          if (!page.<Boolean>json("$.hasMore") || seqs.isEmpty()) {
            return;
          }
        }
      }
    }

    List<Long> shown() {
      return List.copyOf(shown);
    }

    List<Long> live() {
      return List.copyOf(live);
    }
  }

  /** Waits until the streams are open: a direct message to each comes through. */
  private static void awaitOpen(String sender, Map<String, ApiClient.Stream> streams) throws Exception {
    for (var stream : streams.entrySet()) {
      String direct = api.call("POST", "/conversations", sender, "{\"type\":\"direct\",\"members\":[\"" + stream.getKey() + "\"]}")
          .json("$.conversationId");
      send(sender, direct, "ready-" + stream.getKey(), "ready");
      nextMessage(stream.getValue(), direct);
    }
  }

  /**
   * A device acting as clients are told to: it keeps each conversation's messages by seq; on a
   * channel-activity or membership entry it reads the history after the last message it has, to the end.
   */
  private static final class Device {
    private final String userId;
    private final String conversationId;
    private final TreeSet<Long> shown = new TreeSet<>();
    private final List<String> kinds = new ArrayList<>();
    private final List<String> entries = new ArrayList<>();
    private long after;

    Device(String userId, String conversationId) {
      this.userId = userId;
      this.conversationId = conversationId;
    }

    void pull() throws Exception {
      while (true) {
        Response page = api.callFrom("GET", "/sync?after=" + after + "&limit=100", userId, "tablet", null);
        assertThat(page.status()).isEqualTo(200);
        List<Map<String, Object>> found = page.json("$.entries");
        for (Map<String, Object> entry : found) {
          if (!conversationId.equals(entry.get("conversationId"))) {
            continue;
          }
          String kind = (String) entry.get("kind");
          if ("message".equals(kind)) {
            long seq = ((Number) ((Map<?, ?>) entry.get("message")).get("seq")).longValue();
            record(kind, seq);
            shown.add(seq);
          } else if ("channel-activity".equals(kind)) {
            record(kind, ((Number) entry.get("headSeq")).longValue());
            readHistory();
          } else if ("membership".equals(kind)) {
            readHistory();
          }
        }
        after = page.<Integer>json("$.nextAfter");
        if (!page.<Boolean>json("$.hasMore")) {
          return;
        }
      }
    }

    private void record(String kind, long seq) {
      kinds.add(kind);
      assertThat(entries).as("no inbox entry twice (P2)").doesNotContain(kind + ":" + seq);
      entries.add(kind + ":" + seq);
    }

    private void readHistory() throws Exception {
      while (true) {
        long last = shown.isEmpty() ? 0 : shown.last();
        Response page = api.call("GET", "/conversations/" + conversationId + "/messages?after=" + last + "&limit=200", userId, null);
        assertThat(page.status()).isEqualTo(200);
        List<Integer> seqs = page.json("$.items[*].seq");
        seqs.forEach(seq -> shown.add(seq.longValue()));
        if (!page.<Boolean>json("$.hasMore")) {
          return;
        }
      }
    }

    List<Long> shown() {
      return List.copyOf(shown);
    }

    List<String> kinds() {
      return List.copyOf(kinds);
    }
  }

  private static List<String> memberPages(String userId, String conversationId, int limit) throws Exception {
    List<String> members = new ArrayList<>();
    String token = null;
    do {
      Response page = api.call("GET", "/conversations/" + conversationId + "/members?limit=" + limit
          + (token == null ? "" : "&pageToken=" + token), userId, null);
      assertThat(page.status()).isEqualTo(200);
      members.addAll(page.<List<String>>json("$.items[*].userId"));
      token = page.json("$.nextPageToken");
    } while (token != null);
    return members;
  }

  private static void sendAll(String sender, String conversationId, int from, int to) throws Exception {
    for (int i = from; i <= to; i++) {
      assertThat(send(sender, conversationId, "m-" + i, "message " + i).<Integer>json("$.seq")).isEqualTo(i);
    }
  }

  private static Response send(String sender, String conversationId, String clientMsgId, String body) throws Exception {
    return api.call("POST", "/conversations/" + conversationId + "/messages", sender,
        "{\"clientMsgId\":\"" + clientMsgId + "\",\"type\":\"text\",\"body\":\"" + body + "\"}");
  }

  private static Event nextMessage(ApiClient.Stream stream, String conversationId) throws Exception {
    while (true) {
      Event event = stream.next(WAIT);
      if ("message".equals(event.kind()) && conversationId.equals(event.json("$.conversationId"))) {
        return event;
      }
    }
  }

  private static int unread(String userId, String conversationId) throws Exception {
    List<Integer> counts = api.call("GET", "/conversations", userId, null)
        .json("$.items[?(@.conversationId == '" + conversationId + "')].unreadCount");
    return counts.isEmpty() ? -1 : counts.get(0);
  }

  private static List<Long> seqs(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}
