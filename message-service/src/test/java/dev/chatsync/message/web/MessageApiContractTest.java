package dev.chatsync.message.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.contracts.identity.GatewayIdentityConfiguration;
import dev.chatsync.contracts.web.ApiExceptionHandler;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.MessageServiceApplication;
import dev.chatsync.message.WriteMargin;
import dev.chatsync.message.conversation.ConversationStore;
import dev.chatsync.message.conversation.ReadFanoutProperties;
import dev.chatsync.message.conversation.InMemoryConversationStore;
import dev.chatsync.message.member.FanoutProgress;
import dev.chatsync.message.member.MemberStore;
import dev.chatsync.message.member.MembershipAnnouncer;
import dev.chatsync.message.read.ReadAnnouncer;
import dev.chatsync.message.read.ReadCursors;
import dev.chatsync.message.send.FanoutDelay;
import dev.chatsync.message.send.MessagePublisher;
import dev.chatsync.message.send.SendPath;
import dev.chatsync.message.sweep.RecentChanges;
import dev.chatsync.message.lifecycle.ChangeAnnouncer;
import dev.chatsync.message.settings.SettingsStore;
import dev.chatsync.message.signal.SignalProperties;
import dev.chatsync.message.signal.SignalPublisher;
import dev.chatsync.message.timeline.InMemoryMessageStore;
import dev.chatsync.message.timeline.MessageChanges;
import dev.chatsync.message.timeline.MessageStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.RestController;

/**
 * The message-service's endpoints over in-memory stores, no Kafka or Cassandra: every bad input is
 * a 400 (or 413) problem naming what is wrong, an unknown conversation a 404, and a request without
 * the gateway's identity a 401. Runs in seconds, so a contract error shows before the integration
 * tests start their broker and store. Collaborators a bad input must never reach fail the test if
 * it does.
 */
@WebFluxTest
@ActiveProfiles("local")
class MessageApiContractTest {

  /** The controllers, the services behind them and the pieces those build on; the stores below. */
  @SpringBootConfiguration
  @ComponentScan(basePackageClasses = MessageServiceApplication.class, useDefaultFilters = false, includeFilters = {
      @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = {RestController.class, Service.class}),
      @ComponentScan.Filter(type = FilterType.REGEX,
          pattern = ".*\\.(Membership|MembershipCompletion|EarlierSpans|ChangeJournal|ReadCompletion|ChangeCompletion|SendAdmission)")})
  @EnableConfigurationProperties({MessageProperties.class, SignalProperties.class, ReadFanoutProperties.class})
  @Import({GatewayIdentityConfiguration.class, ApiExceptionHandler.class})
  static class InMemory {

    @Bean
    ConversationStore conversations() {
      return new InMemoryConversationStore();
    }

    @Bean
    MessageStore messages() {
      return new InMemoryMessageStore();
    }

    @Bean
    WriteMargin writeMargin() {
      return new WriteMargin(Duration.ofSeconds(2), Duration.ofSeconds(1));
    }

    @Bean
    FanoutDelay fanoutDelay() {
      return () -> Duration.ZERO;
    }

    @Bean
    MemberStore members() {
      return neverReached(MemberStore.class);
    }

    @Bean
    ReadCursors readCursors() {
      return neverReached(ReadCursors.class);
    }

    @Bean
    MembershipAnnouncer membershipAnnouncer() {
      return neverReached(MembershipAnnouncer.class);
    }

    @Bean
    ReadAnnouncer readAnnouncer() {
      return neverReached(ReadAnnouncer.class);
    }

    @Bean
    FanoutProgress fanoutProgress() {
      return neverReached(FanoutProgress.class);
    }

    @Bean
    RecentChanges recentChanges() {
      return neverReached(RecentChanges.class);
    }

    @Bean
    SendPath sendPath() {
      return neverReached(SendPath.class);
    }

    @Bean
    MessagePublisher publisher() {
      return neverReached(MessagePublisher.class);
    }

    @Bean
    MessageChanges messageChanges() {
      return neverReached(MessageChanges.class);
    }

    @Bean
    ChangeAnnouncer changeAnnouncer() {
      return neverReached(ChangeAnnouncer.class);
    }

    @Bean
    SettingsStore settingsStore() {
      return neverReached(SettingsStore.class);
    }

    @Bean
    SignalPublisher signals() {
      return neverReached(SignalPublisher.class);
    }

    @Bean
    MeterRegistry meters() {
      return new SimpleMeterRegistry();
    }

    /** A collaborator a bad input must never reach: any call fails the test. */
    private static <T> T neverReached(Class<T> type) {
      return mock(type, invocation -> {
        throw new AssertionError("a refused request reached " + type.getSimpleName() + "." + invocation.getMethod().getName());
      });
    }
  }

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;

  @Test
  void creatingAConversationNamesTheBadField() {
    assertBadRequest(post("/api/v1/conversations", null), "body");
    assertBadRequest(post("/api/v1/conversations", "{\"type\":\"channel\",\"members\":[\"bob\"]}"), "type");
    assertBadRequest(post("/api/v1/conversations", "{\"type\":\"direct\",\"members\":[\"bob\",\"carol\"]}"), "members");
    assertBadRequest(post("/api/v1/conversations", "{\"type\":\"group\",\"title\":\"T\",\"members\":[\"b o b\"]}"), "members[0]");
    assertBadRequest(post("/api/v1/conversations", "{\"type\":"), null);
  }

  @Test
  void listingNamesTheBadParameter() {
    assertBadRequest(as("alice").get().uri("/api/v1/conversations?limit=0"), "limit");
    assertBadRequest(as("alice").get().uri("/api/v1/conversations?pageToken=not-a-token"), "pageToken");
  }

  @Test
  void sendingNamesTheBadField() {
    String messages = "/api/v1/conversations/c-1/messages";
    assertBadRequest(post(messages, null), "body");
    assertBadRequest(post(messages, "{\"body\":\"hi\"}"), "clientMsgId");
    assertBadRequest(post(messages, "{\"clientMsgId\":\"" + "x".repeat(65) + "\",\"body\":\"hi\"}"), "clientMsgId");
    assertBadRequest(post(messages, "{\"clientMsgId\":\"m-1\",\"type\":\"Text!\",\"body\":\"hi\"}"), "type");
    // What a recalled message shows: a message sent so would pass for one.
    assertBadRequest(post(messages, "{\"clientMsgId\":\"m-1\",\"type\":\"recalled\",\"body\":\"hi\"}"), "type");
    assertBadRequest(post(messages, "{\"clientMsgId\":\"m-1\",\"body\":\"\"}"), "body");
    // 16 KiB of UTF-8 at most.
    post(messages, "{\"clientMsgId\":\"m-1\",\"body\":\"" + "é".repeat(8193) + "\"}").exchange()
        .expectStatus().isEqualTo(413)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.field").isEqualTo("body");
  }

  @Test
  void editingAndRecallingNameTheBadField() {
    String message = "/api/v1/conversations/c-1/messages/1";
    assertBadRequest(patch(message, null, null), "body");
    assertBadRequest(patch(message, "{\"body\":\"\"}", null), "body");
    assertBadRequest(patch(message, "{\"body\":\"hi\"}", "3"), "If-Match");
    assertBadRequest(patch(message, "{\"body\":\"hi\"}", "\"0\""), "If-Match");
    assertBadRequest(patch("/api/v1/conversations/c-1/messages/0", "{\"body\":\"hi\"}", null), "seq");
    assertBadRequest(as("alice").delete().uri("/api/v1/conversations/c-1/messages/0"), "seq");
    assertBadRequest(post("/api/v1/conversations/c%20d/typing", null), "conversationId");
    patch(message, "{\"body\":\"" + "é".repeat(8193) + "\"}", null).exchange()
        .expectStatus().isEqualTo(413)
        .expectBody().jsonPath("$.field").isEqualTo("body");
  }

  @Test
  void settingsNameTheBadField() {
    String settings = "/api/v1/conversations/c-1/settings";
    assertBadRequest(as("alice").put().uri(settings).contentType(MediaType.APPLICATION_JSON).bodyValue("{}"), "muted");
    assertBadRequest(as("alice").put().uri(settings).contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"muted\":true,\"mutedUntil\":\"tomorrow\"}"), "mutedUntil");
    assertBadRequest(as("alice").get().uri("/api/v1/conversations/c%20d/settings"), "conversationId");
  }

  @Test
  void historyAndReceiptsNameTheBadParameter() {
    assertBadRequest(as("alice").get().uri("/api/v1/conversations/c-1/messages?limit=201"), "limit");
    assertBadRequest(as("alice").get().uri("/api/v1/conversations/c-1/messages?limit=0"), "limit");
    assertBadRequest(as("alice").get().uri("/api/v1/conversations/c-1/messages/1/receipts?limit=0"), "limit");
  }

  @Test
  void membersAndReadNameTheBadField() {
    assertBadRequest(post("/api/v1/conversations/c-1/members", "{}"), "userIds");
    String tooMany = IntStream.range(0, 101).mapToObj(i -> "\"u" + i + "\"").collect(Collectors.joining(",", "[", "]"));
    assertBadRequest(post("/api/v1/conversations/c-1/members", "{\"userIds\":" + tooMany + "}"), "userIds");
    assertBadRequest(post("/api/v1/conversations/c-1/read", "{}"), "upTo");
    assertBadRequest(post("/api/v1/conversations/c-1/read", "{\"upTo\":-1}"), "upTo");
  }

  @Test
  void anUnknownConversationIsNotFound() {
    for (var request : List.of(as("alice").get().uri("/api/v1/conversations/nowhere"),
        as("alice").get().uri("/api/v1/conversations/nowhere/messages"))) {
      request.exchange().expectStatus().isNotFound()
          .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody().jsonPath("$.type").value(type -> assertThat(type.toString()).endsWith("/not-found"));
    }
  }

  @Test
  void everyEndpointRefusesARequestWithoutTheGatewaysIdentity() {
    for (var request : List.of(web.get().uri("/api/v1/conversations"),
        web.post().uri("/api/v1/conversations/c-1/messages").contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"clientMsgId\":\"m-1\",\"body\":\"hi\"}"),
        web.get().uri("/api/v1/conversations/c-1/messages/1/receipts"),
        web.patch().uri("/api/v1/conversations/c-1/messages/1").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"body\":\"x\"}"),
        web.delete().uri("/api/v1/conversations/c-1/messages/1"),
        web.post().uri("/api/v1/conversations/c-1/typing"),
        web.get().uri("/api/v1/conversations/c-1/settings"))) {
      request.exchange().expectStatus().isUnauthorized()
          .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody().jsonPath("$.type").value(type -> assertThat(type.toString()).endsWith("/unauthenticated"));
    }
  }

  private WebTestClient.RequestHeadersSpec<?> post(String path, String json) {
    var request = as("alice").post().uri(path).contentType(MediaType.APPLICATION_JSON);
    return json == null ? request : request.bodyValue(json);
  }

  private WebTestClient.RequestHeadersSpec<?> patch(String path, String json, String ifMatch) {
    var request = as("alice").patch().uri(path).contentType(MediaType.APPLICATION_JSON);
    if (ifMatch != null) {
      request = request.header("If-Match", ifMatch);
    }
    return json == null ? request : request.bodyValue(json);
  }

  private WebTestClient as(String userId) {
    return web.mutate().filter(identity.signing(new Caller(userId, "phone"), "message-service"))
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
