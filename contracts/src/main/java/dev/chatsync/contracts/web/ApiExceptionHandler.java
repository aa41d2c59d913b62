package dev.chatsync.contracts.web;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;

/**
 * Every error a service answers is problem+json with a {@code type} (docs/api.md, "Errors"): the
 * framework's own 4xx get a type and, for a bad parameter, its {@code field}; a store or broker
 * that cannot be reached is a 503 with {@code Retry-After} (the client retries, safely, with the
 * same clientMsgId); anything else is a 500 that says nothing of the internals.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

  private static final Log log = LogFactory.getLog(ApiExceptionHandler.class);

  /**
   * Failures that mean the store or the broker is unreachable, overloaded or slow: worth a retry.
   * Matched by class name (with superclasses) so that this module needs neither client library.
   * Anything else from the clients (a bad query, a missing table) is a bug, and a 500.
   */
  private static final Set<String> TRANSIENT = Set.of(
      "com.datastax.oss.driver.api.core.AllNodesFailedException",
      "com.datastax.oss.driver.api.core.DriverTimeoutException",
      "com.datastax.oss.driver.api.core.connection.BusyConnectionException",
      "com.datastax.oss.driver.api.core.connection.ClosedConnectionException",
      "com.datastax.oss.driver.api.core.connection.HeartbeatException",
      "com.datastax.oss.driver.api.core.servererrors.QueryExecutionException",
      "com.datastax.oss.driver.api.core.servererrors.OverloadedException",
      "com.datastax.oss.driver.api.core.servererrors.BootstrappingException",
      "com.datastax.oss.driver.api.core.servererrors.TruncateException",
      "org.apache.kafka.common.errors.RetriableException",
      "org.apache.kafka.common.errors.TimeoutException");

  @ExceptionHandler(Exception.class)
  Mono<ResponseEntity<Object>> unexpected(Exception failure, ServerWebExchange exchange) {
    if (causedBy(failure, DataBufferLimitException.class)) {
      return Mono.just(tooLarge());
    }
    if (isInfrastructure(failure)) {
      log.warn(describe(exchange) + ": store or broker unavailable: " + failure);
      ProblemDetail problem = Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
          "The message store or broker is unavailable; retry after a moment.");
      return Mono.just(ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .header(HttpHeaders.RETRY_AFTER, Problems.RETRY_AFTER_SECONDS).body(problem));
    }
    log.error(describe(exchange) + " failed", failure);
    return Mono.just(ResponseEntity.internalServerError().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(Problems.problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "The request failed; it was logged.")));
  }

  @Override
  protected Mono<ResponseEntity<Object>> handleExceptionInternal(Exception failure, Object body, HttpHeaders headers,
      HttpStatusCode status, ServerWebExchange exchange) {
    if (causedBy(failure, DataBufferLimitException.class)) {
      return Mono.just(tooLarge());
    }
    return super.handleExceptionInternal(failure, body, headers, status, exchange).map(response -> {
      if (response.getBody() instanceof ProblemDetail problem) {
        typed(problem, failure, response.getStatusCode());
        return asProblemJson(response);
      }
      return response;
    });
  }

  /**
   * Written as problem+json whatever the request accepts: a refused stream (Accept:
   * text/event-stream) would otherwise get its problem as a server-sent event, which no client
   * reads as an error. An explicit Content-Type decides the body's writer.
   */
  private static ResponseEntity<Object> asProblemJson(ResponseEntity<Object> response) {
    return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(response.getBody());
  }

  private static void typed(ProblemDetail problem, Exception failure, HttpStatusCode status) {
    if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
      problem.setType(URI.create(Problems.TYPE_PREFIX + typeOf(status)));
    }
    if (failure instanceof ServerWebInputException input && input.getMethodParameter() != null
        && input.getMethodParameter().getParameterName() != null) {
      problem.setProperty("field", input.getMethodParameter().getParameterName());
    }
  }

  private static String describe(ServerWebExchange exchange) {
    return exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath();
  }

  static String typeOf(HttpStatusCode status) {
    if (status.value() == 400) {
      return "invalid-request";
    }
    HttpStatus known = HttpStatus.resolve(status.value());
    return known == null ? "http-" + status.value() : known.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static ResponseEntity<Object> tooLarge() {
    ProblemDetail problem = Problems.problem(HttpStatus.CONTENT_TOO_LARGE, "too-large", "The request body is too large.");
    return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  static boolean isInfrastructure(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      for (Class<?> type = cause.getClass(); type != null; type = type.getSuperclass()) {
        if (TRANSIENT.contains(type.getName())) {
          return true;
        }
      }
    }
    return false;
  }
}
