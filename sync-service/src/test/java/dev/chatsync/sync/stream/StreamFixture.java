package dev.chatsync.sync.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.StorageTimeline;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.contracts.identity.GatewayIdentity.Target;
import java.time.Instant;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/** Inbox rows as fanout stage 2 writes them, and streams opened as a device would. */
record StreamFixture(CqlSession cql, WebTestClient web, GatewayIdentity identity, String conversationId) {

  void deliver(String userId, long inboxSeq) {
    cql.execute("INSERT INTO messages_by_conversation (conversation_id, bucket, seq, message_id, client_msg_id, sender_id, "
        + "type, body, sent_at) VALUES (?, ?, ?, ?, ?, 'alice', 'text', ?, ?)", conversationId,
        StorageTimeline.bucketOf(inboxSeq), inboxSeq, "m" + inboxSeq, "c" + inboxSeq, "body " + inboxSeq, Instant.now());
    cql.execute("INSERT INTO inbox_by_user (user_id, inbox_seq, kind, conversation_id, conversation_seq, message_id, created_at) "
        + "VALUES (?, ?, 'message', ?, ?, ?, ?) USING TTL 3600", userId, inboxSeq, conversationId, inboxSeq, "m" + inboxSeq,
        Instant.now());
    cql.execute("UPDATE inbox_state SET head_seq = ? WHERE user_id = ?", inboxSeq, userId);
  }

  Flux<ServerSentEvent<String>> open(String userId, String lastEventId) {
    WebTestClient.RequestHeadersSpec<?> request = web.mutate().responseTimeout(java.time.Duration.ofMinutes(2)).build()
        .get().uri("/api/v1/stream")
        .accept(MediaType.TEXT_EVENT_STREAM)
        .header(GatewayIdentity.HEADER, identity.sign(new Caller(userId, "phone"), new Target("GET", "/api/v1/stream", "sync-service")));
    if (lastEventId != null) {
      request = request.header("Last-Event-ID", lastEventId);
    }
    // Every stream starts with the "open" comment, which commits the response at once.
    return request.exchange().expectStatus().isOk()
        .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {})
        .getResponseBody()
        .switchOnFirst((first, events) -> {
          if (first.get() == null || !"open".equals(first.get().comment())) {
            return Flux.error(new AssertionError("the stream did not start with the open comment: " + first.get()));
          }
          return events.skip(1);
        });
  }
}
