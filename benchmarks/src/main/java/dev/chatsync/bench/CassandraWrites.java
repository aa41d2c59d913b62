package dev.chatsync.bench;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The node's count of local writes to the chat keyspace (every table's mutations, as
 * {@code nodetool tablestats} counts them), read over JMX: what a send cost the store, whichever
 * service wrote.
 */
final class CassandraWrites {

  private final String host;
  private final int port;
  private JMXConnector connector;

  CassandraWrites(String host, int port) {
    this.host = host;
    this.port = port;
  }

  double count() {
    try {
      if (connector == null) {
        connector = JMXConnectorFactory.connect(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + host + ":" + port + "/jmxrmi"));
      }
      MBeanServerConnection server = connector.getMBeanServerConnection();
      return ((Number) server.getAttribute(new ObjectName("org.apache.cassandra.metrics:type=Keyspace,keyspace=chat,name=WriteLatency"),
          "Count")).doubleValue();
    } catch (Exception unavailable) {
      connector = null;
      return Double.NaN;
    }
  }
}
