package dev.chatsync.contracts.identity;

import dev.chatsync.contracts.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses every request to a service that does not carry the gateway's signed identity
 * (P6: a user acts only as themself). Health and metrics endpoints are exempt, for probes.
 */
public final class GatewayIdentityWebFilter implements WebFilter {

  static final String CALLER_ATTRIBUTE = Caller.class.getName();

  private final GatewayIdentity identity;

  public GatewayIdentityWebFilter(GatewayIdentity identity) {
    this.identity = identity;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (exchange.getRequest().getPath().value().startsWith("/actuator/")) {
      return chain.filter(exchange);
    }
    return identity.verify(exchange.getRequest().getHeaders().getFirst(GatewayIdentity.HEADER))
        .map(caller -> {
          exchange.getAttributes().put(CALLER_ATTRIBUTE, caller);
          return chain.filter(exchange);
        })
        .orElseGet(() -> Problems.write(exchange, HttpStatus.UNAUTHORIZED, "unauthenticated",
            "This service is reached only through the gateway, with a verified identity."));
  }
}
