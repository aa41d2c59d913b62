package dev.chatsync.message.send.owner;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.WriteMargin;
import dev.chatsync.message.send.RecentConversations;
import dev.chatsync.message.send.owner.cassandra.CassandraOwnedTimeline;
import dev.chatsync.message.send.owner.cassandra.CassandraSlotTable;
import dev.chatsync.message.timeline.MessageStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;

/** The owned send path ({@code chat.messages.send-path: owned}, the default). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "chat.messages.send-path", havingValue = "owned", matchIfMissing = true)
class OwnedSendConfiguration {

  @Bean
  SlotLeases slotLeases(CqlSession session, MessageProperties properties, WriteMargin margin, Environment environment)
      throws UnknownHostException {
    String host = InetAddress.getLocalHost().getHostAddress();
    // Known once the server listens (a random port in tests): until then nobody forwards here.
    Supplier<String> address = () -> {
      if (!properties.advertisedAddress().isBlank()) {
        return properties.advertisedAddress();
      }
      String port = environment.getProperty("local.server.port");
      return port == null ? null : "http://" + host + ":" + port;
    };
    return new SlotLeases(new CassandraSlotTable(session, "send"), UUID.randomUUID().toString(), address, properties.ownerLease(),
        properties.ownerRenewInterval(), margin.clockSkew(), margin.requestTimeout(), Clock.systemUTC(), System::nanoTime);
  }

  @Bean
  OwnedTimeline ownedTimeline(CqlSession session, MessageProperties properties) {
    return new CassandraOwnedTimeline(session, properties);
  }

  @Bean
  ConversationLogs conversationLogs(SlotLeases leases, OwnedTimeline timeline, MessageStore messages,
      RecentConversations recent, MessageProperties properties) {
    return new ConversationLogs(leases, timeline, messages, recent, properties.ownedConversations(), Clock.systemUTC(),
        System::nanoTime);
  }

  @Bean
  OwnedSends ownedSends(ConversationLogs logs, OwnedTimeline timeline, SlotLeases leases, GatewayIdentity identity,
      WriteMargin margin) {
    return new OwnedSends(logs, timeline, new SendForwarder(leases, identity, WebClient.create(), margin.requestTimeout()));
  }
}
