package dev.chatsync.gateway.routing;

import dev.chatsync.contracts.web.Problems;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A service behind the gateway that cannot be reached (its instance died, or is starting, or died
 * while it handled the request) is a
 * 503 problem with Retry-After, as the API promises for a store or broker away: the client retries,
 * safely (a send with the same clientMsgId), and usually reaches a live instance. Without this
 * the framework answered 500 with a body of its own. Anything else is left to the default handler.
 */
@Component
@Order(-2)
class UnreachableServiceHandler implements ErrorWebExceptionHandler {

  private static final Log log = LogFactory.getLog(UnreachableServiceHandler.class);

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
    if (!unreachable(failure) || exchange.getResponse().isCommitted()) {
      return Mono.error(failure);
    }
    log.warn(exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath() + ": service unreachable: " + failure);
    exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Problems.RETRY_AFTER_SECONDS);
    return Problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
        "The service is unavailable; retry after a moment.");
  }

  /**
   * Refused, reset, closed before an answer or not answered in time: the connection to the
   * service carried no response (all of these are IOExceptions in Reactor Netty, or a timeout).
   * The request may or may not have been handled: the client's retry decides, which the API makes
   * safe for sends (the same clientMsgId) and every other change but creating a group.
   */
  static boolean unreachable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException || cause instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }
}
