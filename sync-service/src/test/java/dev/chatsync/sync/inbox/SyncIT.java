package dev.chatsync.sync.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.StorageTimeline;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.contracts.identity.GatewayIdentity.Target;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** {@code GET /sync} over inbox rows and timeline messages in the real Cassandra node. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "chat.inbox.max-pages-in-flight=" + SyncIT.PAGES_IN_FLIGHT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class SyncIT {

  /** Every other test here asks one page at a time. */
  static final int PAGES_IN_FLIGHT = 4;

  @Autowired WebTestClient web;
  @LocalServerPort int port;
  @Autowired MeterRegistry meters;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String bob = "bob-" + suffix;
  private final String conversationId = "conv-" + suffix;

  @Test
  void aDevicePullsItsInboxPageByPageWithTheMessagesResolved() {
    // Conversation seqs 999..1001 span two timeline buckets.
    for (long seq = 999; seq <= 1001; seq++) {
      storeMessage(seq);
      storeInboxEntry(bob, seq - 998, seq);
    }
    setHead(bob, 3);

    SyncPage first = page(bob, "?after=0&limit=2");
    assertThat(first.entries()).extracting(SyncEntry::seq).containsExactly(1L, 2L);
    assertThat(first.entries()).extracting(e -> e.message().seq()).containsExactly(999L, 1000L);
    assertThat(first.entries()).extracting(e -> e.message().body()).containsExactly("body 999", "body 1000");
    assertThat(first.entries().get(0).conversationId()).isEqualTo(conversationId);
    assertThat(first.hasMore()).isTrue();

    SyncPage rest = page(bob, "?after=" + first.nextAfter() + "&limit=2");
    assertThat(rest.entries()).extracting(SyncEntry::seq).containsExactly(3L);
    assertThat(rest.entries().get(0).message().body()).isEqualTo("body 1001");
    assertThat(rest.hasMore()).isFalse();
    assertThat(rest.nextAfter()).isEqualTo(3);
  }

  @Test
  void readReceiptAndMembershipEntriesCarryWhatTheDeviceMustLearn() {
    String alice = "alice-" + suffix;
    cql.execute("INSERT INTO inbox_by_user (user_id, inbox_seq, kind, conversation_id, conversation_seq, created_at) "
        + "VALUES (?, 1, 'read', ?, 4, ?)", bob, conversationId, Instant.now());
    cql.execute("INSERT INTO inbox_by_user (user_id, inbox_seq, kind, conversation_id, conversation_seq, actors, created_at) "
        + "VALUES (?, 2, 'receipt', ?, 5, ?, ?)", bob, conversationId, List.of(alice, "carol-" + suffix), Instant.now());
    cql.execute("INSERT INTO inbox_by_user (user_id, inbox_seq, kind, conversation_id, conversation_seq, actors, change, "
        + "created_at) VALUES (?, 3, 'membership', ?, 6, ?, 'removed', ?)", bob, conversationId, List.of(alice), Instant.now());
    setHead(bob, 3);

    as(bob).get().uri("/api/v1/sync").exchange().expectStatus().isOk().expectBody()
        .jsonPath("$.entries[0].kind").isEqualTo("read")
        .jsonPath("$.entries[0].upTo").isEqualTo(4)
        .jsonPath("$.entries[0].readers").doesNotExist()
        .jsonPath("$.entries[1].kind").isEqualTo("receipt")
        .jsonPath("$.entries[1].upTo").isEqualTo(5)
        .jsonPath("$.entries[1].readers.length()").isEqualTo(2)
        .jsonPath("$.entries[1].readers[0]").isEqualTo(alice)
        .jsonPath("$.entries[2].kind").isEqualTo("membership")
        .jsonPath("$.entries[2].change").isEqualTo("removed")
        .jsonPath("$.entries[2].atSeq").isEqualTo(6)
        .jsonPath("$.entries[2].by").isEqualTo(alice)
        .jsonPath("$.entries[2].conversationId").isEqualTo(conversationId);
  }

  @Test
  void aUserReadsOnlyTheirOwnInbox() {
    storeMessage(1);
    storeInboxEntry(bob, 1, 1);
    setHead(bob, 1);

    assertThat(page("carol-" + suffix, "").entries()).isEmpty();
    assertThat(page(bob, "").entries()).hasSize(1);
  }

  @Test
  void aDeviceBehindExpiredEntriesGets410WithTheHead() {
    // Entries 1 to 7 expired; 8 to 10 are left. Stage 2 noted the head 7 when it first wrote
    // within the last TTL (60 s here): everything above it is younger than the TTL.
    for (long seq = 8; seq <= 10; seq++) {
      storeMessage(seq);
      storeInboxEntry(bob, seq, seq);
    }
    setState(bob, 10, 60, Map.of(System.currentTimeMillis() - 10_000, 7L));

    as(bob).get().uri("/api/v1/sync?after=3").exchange()
        .expectStatus().isEqualTo(410)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type").value(type -> assertThat(type.toString()).endsWith("/cursor-expired"))
        .jsonPath("$.headSeq").isEqualTo(10);
    assertThat(page(bob, "?after=7").entries()).hasSize(3);
  }

  @Test
  void syncingAfterXAndPostingAckMoveTheDevicesCursorForwardOnly() {
    for (long seq = 1; seq <= 5; seq++) {
      storeMessage(seq);
      storeInboxEntry(bob, seq, seq);
    }
    setHead(bob, 5);

    page(bob, "?after=2");
    assertThat(cursor(bob, "phone")).isEqualTo(2L);

    as(bob).post().uri("/api/v1/ack").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"upTo\":4}").exchange()
        .expectStatus().isNoContent().expectBody().isEmpty();
    as(bob).post().uri("/api/v1/ack").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"upTo\":1}").exchange()
        .expectStatus().isNoContent().expectBody().isEmpty();
    assertThat(cursor(bob, "phone")).isEqualTo(4L);

    as(bob).post().uri("/api/v1/ack").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"upTo\":6}").exchange()
        .expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("upTo");
    as(bob).post().uri("/api/v1/ack").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
        .expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("upTo");
  }

  @Test
  void refusesCallsWithoutTheGatewaysIdentityAndBadParameters() {
    web.get().uri("/api/v1/sync").exchange().expectStatus().isUnauthorized()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.status").isEqualTo(401);
    as(bob).get().uri("/api/v1/sync?limit=501").exchange().expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("limit");
    as(bob).get().uri("/api/v1/sync?after=x").exchange().expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.field").isEqualTo("after");
  }

  /**
   * A burst far past what the instance works on at once: the surplus is answered 503 overloaded
   * with Retry-After at once, having read and acknowledged nothing, and the admitted pages are
   * whole. Queued instead, 500 pages a second on two cores waited seconds and then failed by the
   * thousand for want of a store connection.
   */
  @Test
  void aBurstPastThePagesInFlightIsRefusedAtOnceAndAcknowledgesNothing() {
    for (long seq = 1; seq <= 100; seq++) {
      storeMessage(seq);
      storeInboxEntry(bob, seq, seq);
    }
    setHead(bob, 100);
    WebClient client = WebClient.create("http://127.0.0.1:" + port);
    int burst = 200;

    // Each request from a device of its own, after 1: an admitted page acknowledges 1 for its device.
    List<Map.Entry<String, ResponseEntity<String>>> answers = Flux.range(0, burst)
        .flatMap(i -> client.get().uri("/api/v1/sync?after=1&limit=100")
            .header(GatewayIdentity.HEADER, identity.sign(new Caller(bob, "device-" + i), new Target("GET", "/api/v1/sync", "sync-service")))
            .exchangeToMono(response -> response.toEntity(String.class))
            .map(answer -> Map.entry("device-" + i, answer)), burst)
        .collectList().block(Duration.ofSeconds(60));

    var refused = answers.stream().filter(answer -> answer.getValue().getStatusCode().value() == 503).toList();
    var admitted = answers.stream().filter(answer -> answer.getValue().getStatusCode().value() == 200).toList();
    assertThat(refused).isNotEmpty();
    assertThat(admitted).isNotEmpty();
    assertThat(refused.size() + admitted.size()).as("every answer a page or a refusal").isEqualTo(burst);
    for (var answer : refused) {
      assertThat(answer.getValue().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
      assertThat(answer.getValue().getBody()).contains("/overloaded");
      assertThat(answer.getValue().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotBlank();
      assertThat(cursor(bob, answer.getKey())).as("a refused page acknowledges nothing").isNull();
    }
    for (var answer : admitted) {
      assertThat(answer.getValue().getBody()).contains("\"nextAfter\":100");
      assertThat(cursor(bob, answer.getKey())).isEqualTo(1L);
    }
    // Every place is given back: the instance is not left refusing.
    await().atMost(Duration.ofSeconds(10))
        .until(() -> meters.get("chat.sync.pages.in.flight").gauge().value() == 0);
    assertThat(page(bob, "?after=99").entries()).extracting(SyncEntry::seq).containsExactly(100L);
  }

  /**
   * A device back after the TTL, or a new one, of a user whose inbox had 100,000 entries: they
   * expired, but Cassandra keeps them as tombstones for gc_grace_seconds, and a read that walks
   * them gets slow, then fails past 100,000. The answer comes from the low-water mark instead.
   */
  @Test
  void aStaleCursorOverAHundredThousandExpiredEntriesIsAnsweredAtOnce() throws Exception {
    String busy = "busy-" + suffix;
    long writtenFrom = System.currentTimeMillis();
    int entries = 100_000;
    var insert = cql.prepare("INSERT INTO inbox_by_user (user_id, inbox_seq, kind, conversation_id, conversation_seq, message_id, "
        + "created_at) VALUES (?, ?, 'message', ?, ?, 'm', ?) USING TTL 1");
    Semaphore inFlight = new Semaphore(256);
    for (long seq = 1; seq <= entries; seq++) {
      inFlight.acquire();
      cql.executeAsync(insert.bind(busy, seq, conversationId, seq, Instant.now())).whenComplete((done, failed) -> inFlight.release());
    }
    inFlight.acquire(256);
    setState(busy, entries, 1, Map.of(writtenFrom, 0L));
    await().atMost(Duration.ofSeconds(30)).until(() -> cql.execute("SELECT inbox_seq FROM inbox_by_user WHERE user_id = ? "
        + "AND inbox_seq >= ? LIMIT 1", busy, (long) entries).one() == null);
    page(bob, "");

    long started = System.nanoTime();
    as(busy).get().uri("/api/v1/sync?after=0").exchange()
        .expectStatus().isEqualTo(410)
        .expectBody().jsonPath("$.headSeq").isEqualTo(entries);
    long answeredMillis = (System.nanoTime() - started) / 1_000_000;

    long scanStarted = System.nanoTime();
    String scan;
    try {
      cql.execute("SELECT inbox_seq FROM inbox_by_user WHERE user_id = ? AND inbox_seq > 0 LIMIT 101", busy);
      scan = "answered in " + (System.nanoTime() - scanStarted) / 1_000_000 + " ms";
    } catch (RuntimeException failed) {
      scan = "failed after " + (System.nanoTime() - scanStarted) / 1_000_000 + " ms: " + failed.getMessage();
    }
    long streamStarted = System.nanoTime();
    ServerSentEvent<String> told = as(busy).get().uri("/api/v1/stream").header("Last-Event-ID", "0")
        .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isOk()
        .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {}).getResponseBody()
        .filter(event -> event.event() != null).blockFirst(Duration.ofSeconds(10));
    long streamMillis = (System.nanoTime() - streamStarted) / 1_000_000;

    System.out.println("[410] a cursor behind " + entries + " expired entries: /sync 410 in " + answeredMillis
        + " ms, the stream's cursor-expired in " + streamMillis + " ms; the scan the old answer made: " + scan);
    assertThat(answeredMillis).isLessThan(500);
    assertThat(told.event()).isEqualTo("cursor-expired");
    assertThat(streamMillis).isLessThan(500);
  }

  private SyncPage page(String userId, String query) {
    return as(userId).get().uri("/api/v1/sync" + query).exchange()
        .expectStatus().isOk().expectBody(SyncPage.class).returnResult().getResponseBody();
  }

  private WebTestClient as(String userId) {
    return web.mutate().filter(identity.signing(new Caller(userId, "phone"), "sync-service")).build();
  }

  private void storeMessage(long seq) {
    cql.execute("INSERT INTO messages_by_conversation (conversation_id, bucket, seq, message_id, client_msg_id, sender_id, "
        + "type, body, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", conversationId, StorageTimeline.bucketOf(seq), seq,
        "m" + seq, "c" + seq, "alice-" + suffix, "text", "body " + seq, Instant.now());
  }

  private void setHead(String userId, long head) {
    cql.execute("UPDATE inbox_state SET head_seq = ? WHERE user_id = ?", head, userId);
  }

  /** The state as stage 2 writes it: head, the TTL of the entries and the low-water marks. */
  private void setState(String userId, long head, int ttlSeconds, Map<Long, Long> horizon) {
    cql.execute("UPDATE inbox_state SET head_seq = ?, base = 0, entry_ttl = ?, horizon = ? WHERE user_id = ?", head, ttlSeconds,
        horizon, userId);
  }

  private Long cursor(String userId, String deviceId) {
    var row = cql.execute("SELECT acked_seq FROM device_cursors WHERE user_id = ? AND device_id = ?", userId, deviceId).one();
    return row == null ? null : row.getLong("acked_seq");
  }

  private void storeInboxEntry(String userId, long inboxSeq, long conversationSeq) {
    cql.execute("INSERT INTO inbox_by_user (user_id, inbox_seq, kind, conversation_id, conversation_seq, message_id, created_at) "
        + "VALUES (?, ?, 'message', ?, ?, ?, ?) USING TTL 3600", userId, inboxSeq, conversationId, conversationSeq,
        "m" + conversationSeq, Instant.now());
  }
}
