package dev.chatsync.gateway.routing;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.stream-routing.*}: where the gateway finds the sync-service instances it spreads
 * streams over by the user's notification partition. With neither set, every stream goes to
 * {@code chat.routes.sync-service} (one instance, or a load balancer in front of several, each
 * then following the partitions of whatever users it gets).
 *
 * @param instances fixed instance addresses, e.g. {@code http://10.0.0.5:8083}
 * @param dnsName a name that resolves to one address per ready instance (a Kubernetes headless
 *     Service), looked up at every refresh
 * @param port the instances' port, for the addresses {@code dnsName} resolves to
 * @param refresh how often the instances are looked up and asked whether they are ready
 */
@ConfigurationProperties("chat.stream-routing")
public record StreamRoutingProperties(@DefaultValue List<URI> instances, String dnsName, @DefaultValue("8083") int port,
    @DefaultValue("2s") Duration refresh) {

  boolean enabled() {
    return !instances.isEmpty() || (dnsName != null && !dnsName.isBlank());
  }
}
