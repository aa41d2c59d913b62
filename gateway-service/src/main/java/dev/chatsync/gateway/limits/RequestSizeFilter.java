package dev.chatsync.gateway.limits;

import dev.chatsync.contracts.web.Problems;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Refuses a request body declared larger than {@code chat.gateway.max-request-size} with a 413
 * problem before it is read or routed (P7). A body sent without a length is capped by the
 * services' own decoding limit.
 */
@Component
class RequestSizeFilter implements GlobalFilter, Ordered {

  private final long maxBytes;

  RequestSizeFilter(@Value("${chat.gateway.max-request-size:64KB}") DataSize maxSize) {
    this.maxBytes = maxSize.toBytes();
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    long length = exchange.getRequest().getHeaders().getContentLength();
    if (length > maxBytes) {
      return Problems.write(exchange, HttpStatus.CONTENT_TOO_LARGE, "too-large",
          "The request body is " + length + " bytes; at most " + maxBytes + " are accepted.");
    }
    return chain.filter(exchange);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
