package dev.chatsync.system;

import com.datastax.oss.driver.api.core.CqlSession;
import java.net.InetSocketAddress;
import java.util.Objects;

/** The test command's Cassandra node, for tests that look into the stores or damage them on purpose. */
final class Store {

  private Store() {}

  static CqlSession connect() {
    return CqlSession.builder()
        .addContactPoint(contactPoint())
        .withLocalDatacenter("datacenter1")
        .withKeyspace("chat")
        .build();
  }

  /** The container's mapped port under -Dchat.infra=testcontainers, else the test command's node. */
  private static InetSocketAddress contactPoint() {
    String containers = System.getProperty("spring.cassandra.contact-points");
    if (containers != null) {
      int colon = containers.lastIndexOf(':');
      return new InetSocketAddress(containers.substring(0, colon), Integer.parseInt(containers.substring(colon + 1)));
    }
    int port = Integer.parseInt(Objects.requireNonNullElse(System.getenv("CHAT_CASSANDRA_PORT"), "9042"));
    return new InetSocketAddress("127.0.0.1", port);
  }
}
