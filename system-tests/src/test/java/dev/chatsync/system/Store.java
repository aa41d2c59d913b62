package dev.chatsync.system;

import com.datastax.oss.driver.api.core.CqlSession;
import java.net.InetSocketAddress;
import java.util.Objects;

/** The test command's Cassandra node, for tests that look into the stores or damage them on purpose. */
final class Store {

  private Store() {}

  static CqlSession connect() {
    int port = Integer.parseInt(Objects.requireNonNullElse(System.getenv("CHAT_CASSANDRA_PORT"), "9042"));
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress("127.0.0.1", port))
        .withLocalDatacenter("datacenter1")
        .withKeyspace("chat")
        .build();
  }
}
