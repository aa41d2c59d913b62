package dev.chatsync.sync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.identity.GatewayIdentity;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

/** With a short heartbeat: the comment line, and an entry whose notification was lost. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "chat.stream.heartbeat=1s")
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class StreamHeartbeatIT {

  @Autowired WebTestClient web;
  @Autowired GatewayIdentity identity;
  @Autowired CqlSession cql;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String carol = "carol-" + suffix;

  @Test
  void aLostNotificationDelaysAnEntryUntilTheNextHeartbeatAndLosesNothing() {
    StreamFixture fixture = new StreamFixture(cql, web, identity, "conv-" + suffix);

    StepVerifier.create(fixture.open(carol, null))
        .assertNext(event -> assertThat(event.comment()).isEqualTo("heartbeat"))
        // Written with no notification at all: the next heartbeat reads it, then says so.
        .then(() -> fixture.deliver(carol, 1))
        .assertNext(event -> assertThat(event.id()).isEqualTo("1"))
        .assertNext(event -> assertThat(event.comment()).isEqualTo("heartbeat"))
        .thenCancel()
        .verify(Duration.ofSeconds(30));
  }
}
