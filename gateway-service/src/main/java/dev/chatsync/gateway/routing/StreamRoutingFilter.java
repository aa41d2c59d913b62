package dev.chatsync.gateway.routing;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import java.net.URI;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * Sends a user's stream to the sync-service instance chosen for the user's notification partition
 * ({@link SyncInstances}), so that each instance reads only its share of the notifications. Only
 * the cost depends on it: with no instance known, the stream takes the default route and is
 * served there in full.
 */
@Component
class StreamRoutingFilter implements GlobalFilter, Ordered {

  /** The route of {@code /api/v1/stream} in application.yml. */
  static final String ROUTE_ID = "sync-stream";

  private final SyncInstances instances;

  StreamRoutingFilter(SyncInstances instances) {
    this.instances = instances;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
    if (route == null || !ROUTE_ID.equals(route.getId())) {
      return chain.filter(exchange);
    }
    return exchange.getPrincipal()
        .ofType(JwtAuthenticationToken.class)
        .flatMap(token -> Mono.justOrEmpty(instances.ownerOf(token.getToken().getSubject())))
        .doOnNext(owner -> exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, at(owner, exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR))))
        .then(chain.filter(exchange));
  }

  /** The request's URL (path and query as the route made them) on the chosen instance. */
  private static URI at(URI owner, URI routed) {
    return UriComponentsBuilder.fromUri(routed).scheme(owner.getScheme()).host(owner.getHost()).port(owner.getPort())
        .build(true).toUri();
  }

  @Override
  public int getOrder() {
    // After the route's URL is made, before the request is sent.
    return RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1;
  }
}
