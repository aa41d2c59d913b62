package dev.chatsync.gateway.identity;

import dev.chatsync.contracts.Ids;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.contracts.identity.GatewayIdentity.Target;
import dev.chatsync.contracts.web.Problems;
import java.util.List;
import java.util.Locale;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * On every routed request: removes whatever internal identity headers the client sent, and, for a
 * verified caller, adds the signed identity of the token's user and the request's device (P6),
 * made for this request's method and path and the service its route leads to. A route names its
 * service in its {@code service} metadata (else its id is taken as the service's name).
 */
class IdentityRelayFilter implements GlobalFilter, Ordered {

  static final String DEVICE_HEADER = "X-Device-Id";
  static final String DEFAULT_DEVICE = "default";
  static final String SERVICE_METADATA = "service";

  private static final String INTERNAL_PREFIX = GatewayIdentity.INTERNAL_HEADER_PREFIX.toLowerCase(Locale.ROOT);

  private final GatewayIdentity identity;

  IdentityRelayFilter(GatewayIdentity identity) {
    this.identity = identity;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    String device = exchange.getRequest().getHeaders().getFirst(DEVICE_HEADER);
    if (device == null) {
      device = DEFAULT_DEVICE;
    } else if (!Ids.isValid(device)) {
      return Problems.write(exchange, HttpStatus.BAD_REQUEST, "invalid-request",
          DEVICE_HEADER + " must be 1-64 characters of [A-Za-z0-9._-]");
    }
    String deviceId = device;
    return exchange.getPrincipal()
        .ofType(JwtAuthenticationToken.class)
        .map(token -> identity.sign(new Caller(token.getToken().getSubject(), deviceId), targetOf(exchange)))
        .map(signed -> withHeaders(exchange, signed))
        .switchIfEmpty(Mono.fromSupplier(() -> withHeaders(exchange, null)))
        .flatMap(chain::filter);
  }

  private static Target targetOf(ServerWebExchange exchange) {
    Route route = exchange.getRequiredAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
    Object service = route.getMetadata().getOrDefault(SERVICE_METADATA, route.getId());
    ServerHttpRequest request = exchange.getRequest();
    return new Target(request.getMethod().name(), request.getPath().value(), service.toString());
  }

  private static ServerWebExchange withHeaders(ServerWebExchange exchange, String signedIdentity) {
    return exchange.mutate().request(request -> request.headers(headers -> {
      stripInternal(headers);
      if (signedIdentity != null) {
        headers.set(GatewayIdentity.HEADER, signedIdentity);
      }
    })).build();
  }

  static void stripInternal(HttpHeaders headers) {
    List<String> internal = headers.headerNames().stream()
        .filter(name -> name.toLowerCase(Locale.ROOT).startsWith(INTERNAL_PREFIX))
        .toList();
    internal.forEach(headers::remove);
  }

  @Override
  public int getOrder() {
    // Before the routing filters, which send the request on.
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
