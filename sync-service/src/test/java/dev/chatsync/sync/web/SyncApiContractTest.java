package dev.chatsync.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.contracts.identity.GatewayIdentityConfiguration;
import dev.chatsync.contracts.tracing.ChatTracingConfiguration;
import dev.chatsync.contracts.web.ApiExceptionHandler;
import dev.chatsync.sync.SyncApplication;
import dev.chatsync.sync.ack.DeviceCursors;
import dev.chatsync.sync.inbox.InboxBounds;
import dev.chatsync.sync.inbox.InboxEntry;
import dev.chatsync.sync.inbox.InboxProperties;
import dev.chatsync.sync.inbox.InboxReader;
import dev.chatsync.sync.inbox.Message;
import dev.chatsync.sync.channel.ChannelMembers;
import dev.chatsync.sync.channel.ChannelWatchers;
import dev.chatsync.sync.stream.InboxWakeups;
import dev.chatsync.sync.stream.StreamDrain;
import dev.chatsync.sync.stream.StreamProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import dev.chatsync.contracts.InboxNotify;
import dev.chatsync.contracts.Topics;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.sync.device.PushTargetProperties;
import dev.chatsync.sync.device.PushTargets;
import dev.chatsync.sync.presence.PresenceProperties;
import dev.chatsync.sync.presence.PresenceStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The sync-service's endpoints over in-memory stores, no Kafka or Cassandra: every bad input is a
 * 400 problem naming what is wrong, and a request without the gateway's identity is a 401. Runs in
 * seconds, so a contract error shows before the integration tests start their broker and store.
 */
@WebFluxTest
@ActiveProfiles("local")
class SyncApiContractTest {

  /** The controllers and the services behind them; the stores are the in-memory ones below. */
  @SpringBootConfiguration
  @ComponentScan(basePackageClasses = SyncApplication.class, useDefaultFilters = false,
      includeFilters = {
          @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = {RestController.class, Service.class}),
          @ComponentScan.Filter(type = FilterType.REGEX, pattern = ".*\\.(PresenceAnnouncer|PresenceTracker|ChannelFeed)")})
  @EnableConfigurationProperties({InboxProperties.class, StreamProperties.class, PresenceProperties.class,
      PushTargetProperties.class})
  @Import({GatewayIdentityConfiguration.class, ApiExceptionHandler.class, StreamDrain.class, ChatTracingConfiguration.class})
  static class InMemory {

    /** An inbox whose head is 3 and which holds nothing (the bad inputs never read it). */
    @Bean
    InboxReader inbox() {
      return new InboxReader() {
        @Override
        public Mono<InboxBounds> bounds(String userId) {
          return Mono.just(new InboxBounds(3, 0, 0));
        }

        @Override
        public Mono<List<InboxEntry>> entriesAfter(String userId, long after, long upTo, int limit) {
          return Mono.just(List.of());
        }

        @Override
        public Mono<Map<Long, Message>> messages(String conversationId, Map<Long, Integer> atLeast) {
          return Mono.just(Map.of());
        }
      };
    }

    @Bean
    DeviceCursors cursors() {
      return new DeviceCursors() {
        @Override
        public Mono<Void> acknowledge(String userId, String deviceId, long upTo) {
          return Mono.empty();
        }

        @Override
        public Mono<Long> cursor(String userId, String deviceId) {
          return Mono.just(0L);
        }
      };
    }

    @Bean
    InboxWakeups wakeups() {
      return new InboxWakeups() {
        @Override
        public Flux<Wakeup> of(String userId) {
          return Flux.just(InboxWakeups.LISTENING).concatWith(Flux.never());
        }

        @Override
        public boolean sendLive(String userId, ServerSentEvent<Object> event) {
          return false;
        }
      };
    }

    /** Bad input never reaches the read-fanout stores. */
    @Bean
    ChannelWatchers channelWatchers() {
      return neverReached(ChannelWatchers.class);
    }

    @Bean
    ChannelMembers channelMembers() {
      return neverReached(ChannelMembers.class);
    }

    private static <T> T neverReached(Class<T> store) {
      return store.cast(java.lang.reflect.Proxy.newProxyInstance(store.getClassLoader(), new Class<?>[] {store},
          (proxy, method, args) -> {
            throw new AssertionError("a refused request reached " + store.getSimpleName() + "." + method.getName());
          }));
    }

    /** Bad input never reaches the presence store. */
    @Bean
    PresenceStore presence() {
      return (PresenceStore) java.lang.reflect.Proxy.newProxyInstance(PresenceStore.class.getClassLoader(),
          new Class<?>[] {PresenceStore.class}, (proxy, method, args) -> {
            throw new AssertionError("a refused request reached PresenceStore." + method.getName());
          });
    }

    @Bean
    PushTargets pushTargets() {
      return (PushTargets) java.lang.reflect.Proxy.newProxyInstance(PushTargets.class.getClassLoader(),
          new Class<?>[] {PushTargets.class}, (proxy, method, args) -> {
            throw new AssertionError("a refused request reached PushTargets." + method.getName());
          });
    }

    @Bean
    TopicProducer<InboxNotify> notifications() {
      return new TopicProducer<>(Topics.INBOX_NOTIFIED, null);
    }

    @Bean
    MeterRegistry meters() {
      return new SimpleMeterRegistry();
    }
  }

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;

  @Test
  void syncNamesTheBadParameter() {
    assertBadRequest(as("bob").get().uri("/api/v1/sync?after=-1"), "after");
    assertBadRequest(as("bob").get().uri("/api/v1/sync?limit=0"), "limit");
    assertBadRequest(as("bob").get().uri("/api/v1/sync?limit=501"), "limit");
    assertBadRequest(as("bob").get().uri("/api/v1/sync?after=seven"), "after");
  }

  @Test
  void ackNamesTheBadField() {
    assertBadRequest(as("bob").post().uri("/api/v1/ack").contentType(MediaType.APPLICATION_JSON).bodyValue("{}"), "upTo");
    assertBadRequest(as("bob").post().uri("/api/v1/ack").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"upTo\":-1}"),
        "upTo");
    // Beyond the inbox head (3): a device cannot acknowledge what it was never sent.
    assertBadRequest(as("bob").post().uri("/api/v1/ack").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"upTo\":4}"),
        "upTo");
    assertBadRequest(as("bob").post().uri("/api/v1/ack").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"upTo\":"),
        null);
  }

  /**
   * A refused stream is a 400 problem naming the cursor, written as problem+json even though the
   * request accepts only text/event-stream (an EventSource's request does).
   */
  @Test
  void streamNamesTheBadCursor() {
    for (var request : List.of(
        as("bob").get().uri("/api/v1/stream").accept(MediaType.TEXT_EVENT_STREAM).header("Last-Event-ID", "x"),
        as("bob").get().uri("/api/v1/stream?after=-2").accept(MediaType.TEXT_EVENT_STREAM))) {
      assertBadRequest(request, "Last-Event-ID");
    }
  }

  @Test
  void presenceAndSettingsNameTheBadParameter() {
    assertBadRequest(as("bob").get().uri("/api/v1/presence"), "userIds");
    assertBadRequest(as("bob").get().uri("/api/v1/presence?userIds=alice,b%20b"), "userIds");
    String tooMany = java.util.stream.IntStream.range(0, 101).mapToObj(i -> "u" + i)
        .collect(java.util.stream.Collectors.joining(","));
    assertBadRequest(as("bob").get().uri("/api/v1/presence?userIds=" + tooMany), "userIds");
    assertBadRequest(as("bob").put().uri("/api/v1/me/settings").contentType(MediaType.APPLICATION_JSON).bodyValue("{}"),
        "showPresence");
  }

  @Test
  void pushTargetsNameTheBadField() {
    String push = "/api/v1/devices/phone/push";
    assertBadRequest(put(push, "{}"), "provider");
    assertBadRequest(put(push, "{\"provider\":\"sms\",\"token\":\"t\"}"), "provider");
    assertBadRequest(put(push, "{\"provider\":\"fcm\"}"), "token");
    assertBadRequest(put(push, "{\"provider\":\"webhook\",\"token\":\"t\"}"), "endpoint");
    assertBadRequest(put(push, "{\"provider\":\"webhook\",\"token\":\"t\",\"endpoint\":\"ftp://example.com/x\"}"),
        "endpoint");
    assertBadRequest(put("/api/v1/devices/my%20phone/push", "{\"provider\":\"fcm\",\"token\":\"t\"}"), "deviceId");
    assertBadRequest(put(push, "{\"provider\":\"fcm\",\"token\":\"a b\"}"), "token");
    assertBadRequest(put(push, "{\"provider\":\"apns\",\"token\":\"../../admin\"}"), "token");
    // Only the hosts chat.push.webhook-allowed-hosts names (the local profile: this machine's).
    assertBadRequest(put(push, "{\"provider\":\"webhook\",\"token\":\"t\",\"endpoint\":\"http://169.254.169.254/x\"}"),
        "endpoint");
    // A device registers itself only (the caller here is bob's "phone").
    put("/api/v1/devices/tablet/push", "{\"provider\":\"fcm\",\"token\":\"t\"}").exchange().expectStatus().isForbidden();
  }

  private WebTestClient.RequestHeadersSpec<?> put(String path, String json) {
    return as("bob").put().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json);
  }

  @Test
  void everyEndpointRefusesARequestWithoutTheGatewaysIdentity() {
    for (var request : List.of(web.get().uri("/api/v1/sync"), web.get().uri("/api/v1/stream"),
        web.get().uri("/api/v1/presence?userIds=alice"), web.get().uri("/api/v1/me/settings"),
        web.delete().uri("/api/v1/devices/phone/push"),
        web.post().uri("/api/v1/ack").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"upTo\":1}"))) {
      request.exchange().expectStatus().isUnauthorized()
          .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody().jsonPath("$.type").value(type -> assertThat(type.toString()).endsWith("/unauthenticated"));
    }
  }

  private WebTestClient as(String userId) {
    return web.mutate().filter(identity.signing(new Caller(userId, "phone"), "sync-service"))
        .responseTimeout(Duration.ofSeconds(10)).build();
  }

  private static void assertBadRequest(WebTestClient.RequestHeadersSpec<?> request, String field) {
    var body = request.exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody();
    body.jsonPath("$.status").isEqualTo(400).jsonPath("$.detail").exists();
    if (field != null) {
      body.jsonPath("$.field").isEqualTo(field);
    }
  }
}
