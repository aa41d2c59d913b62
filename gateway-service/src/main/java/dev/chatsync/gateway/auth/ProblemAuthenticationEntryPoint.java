package dev.chatsync.gateway.auth;

import dev.chatsync.contracts.web.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** 401 as problem+json (docs/api.md, "Errors"), with the bearer challenge clients expect. */
@Component
class ProblemAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

  @Override
  public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
    exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    String detail = exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
        ? "The bearer token is invalid or expired."
        : "A bearer token is required.";
    return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "unauthenticated", detail);
  }
}
