package dev.chatsync.sync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.contracts.identity.GatewayIdentity.Target;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

/**
 * An instance told to stop (SIGTERM, a pod deleted) ends its open streams first, so their devices
 * reconnect elsewhere at once instead of hanging on until the shutdown timeout cuts them. Heartbeats
 * are far apart: a stream that ends here ended because of the drain.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "chat.stream.heartbeat=60s")
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class StreamDrainIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;
  @Autowired StreamDrain drain;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String bob = "bob-" + suffix;

  /** The context is shared with other classes (and Spring pauses and restarts it between them). */
  @AfterEach
  void serveAgain() {
    if (!drain.isRunning()) {
      drain.start();
    }
  }

  @Test
  void aStoppingInstanceEndsItsStreamsAfterTheLastWholeEvent() {
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);
    fixture.deliver(bob, 1);

    StepVerifier.create(fixture.open(bob, null))
        .assertNext(event -> assertThat(event.id()).isEqualTo("1"))
        .then(drain::stop)
        .expectComplete()
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aStreamAskedForWhileDrainingIsSentElsewhereAndARestartedInstanceServesAgain() {
    drain.stop();
    web.get().uri("/api/v1/stream")
        .accept(MediaType.TEXT_EVENT_STREAM)
        .header(GatewayIdentity.HEADER, identity.sign(new Caller(bob, "phone"), new Target("GET", "/api/v1/stream", "sync-service")))
        .exchange()
        .expectStatus().isEqualTo(503)
        .expectHeader().exists(HttpHeaders.RETRY_AFTER);

    // Stopped and started again, as Spring's test framework does to cached contexts.
    drain.start();
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);
    fixture.deliver(bob, 1);
    StepVerifier.create(fixture.open(bob, null))
        .assertNext(event -> assertThat(event.id()).isEqualTo("1"))
        .thenCancel()
        .verify(Duration.ofSeconds(10));
  }
}
