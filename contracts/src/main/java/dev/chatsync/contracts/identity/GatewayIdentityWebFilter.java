package dev.chatsync.contracts.identity;

import dev.chatsync.contracts.identity.GatewayIdentity.Target;
import dev.chatsync.contracts.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses every request to a service that does not carry the gateway's signed identity, made for
 * this very request to this service (P6: a user acts only as themself). Health and metrics
 * endpoints are exempt, for probes and scrapes, and so is the service's API description.
 */
public final class GatewayIdentityWebFilter implements WebFilter {

  static final String CALLER_ATTRIBUTE = Caller.class.getName();

  /** Where the service's API description is served (springdoc's default path), read by the gateway. */
  public static final String API_DESCRIPTION = "/v3/api-docs";

  private final GatewayIdentity identity;
  private final String service;

  /** @param service this service's name, as the gateway's routes name it */
  public GatewayIdentityWebFilter(GatewayIdentity identity, String service) {
    this.identity = identity;
    this.service = service;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    String path = request.getPath().value();
    // Probes, scrapes and the service's API description (read by the gateway) come from inside the cluster.
    if (path.startsWith("/actuator/") || path.startsWith(API_DESCRIPTION)) {
      return chain.filter(exchange);
    }
    Target target = new Target(request.getMethod().name(), request.getPath().value(), service);
    return identity.verify(request.getHeaders().getFirst(GatewayIdentity.HEADER), target)
        .map(caller -> {
          exchange.getAttributes().put(CALLER_ATTRIBUTE, caller);
          return chain.filter(exchange);
        })
        .orElseGet(() -> Problems.write(exchange, HttpStatus.UNAUTHORIZED, "unauthenticated",
            "This service is reached only through the gateway, with a verified identity made for this request."));
  }
}
