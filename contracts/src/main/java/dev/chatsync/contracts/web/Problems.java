package dev.chatsync.contracts.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The error vocabulary of docs/api.md: RFC 9457 problem details whose {@code type} ends with a short
 * name a client can switch on. Thrown from controllers; rendered by Spring's problem support.
 */
public final class Problems {

  public static final String TYPE_PREFIX = "https://chatsync.dev/problems/";

  /** How long a client waits before it retries after a 503. */
  public static final String RETRY_AFTER_SECONDS = "1";

  private Problems() {}

  /** 400 for one field of the request: {@code field} names it, {@code detail} says why. */
  public static ErrorResponseException invalid(String field, String reason) {
    ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-request", field + " " + reason);
    problem.setProperty("field", field);
    return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
  }

  public static ErrorResponseException forbidden(String detail) {
    return new ErrorResponseException(HttpStatus.FORBIDDEN, problem(HttpStatus.FORBIDDEN, "forbidden", detail), null);
  }

  public static ErrorResponseException notFound(String detail) {
    return new ErrorResponseException(HttpStatus.NOT_FOUND, problem(HttpStatus.NOT_FOUND, "not-found", detail), null);
  }

  /** 409: the request conflicts with the resource's state (docs/api.md, "Errors"). */
  public static ErrorResponseException conflict(String detail) {
    return new ErrorResponseException(HttpStatus.CONFLICT, problem(HttpStatus.CONFLICT, "conflict", detail), null);
  }

  /**
   * 410: the inbox entries after the device's cursor are gone (expired, or from before the inbox
   * was rebuilt). The device rebuilds from the conversation list and history, then goes on from
   * {@code headSeq} (docs/api.md, "Sync"). {@code lowWaterSeq}: the inbox still holds every entry after
   * it, for a client that would rather read those than its history.
   */
  public static ErrorResponseException cursorExpired(long after, long headSeq, long lowWaterSeq) {
    ProblemDetail problem = problem(HttpStatus.GONE, "cursor-expired",
        "The inbox entries after " + after + " are gone; rebuild from the conversation list and history, then sync after "
            + headSeq + ".");
    problem.setProperty("headSeq", headSeq);
    problem.setProperty("lowWaterSeq", lowWaterSeq);
    return new ErrorResponseException(HttpStatus.GONE, problem, null);
  }

  /** 413 for one field of the request that is larger than allowed. */
  public static ErrorResponseException tooLarge(String field, String reason) {
    ProblemDetail problem = problem(HttpStatus.CONTENT_TOO_LARGE, "too-large", field + " " + reason);
    problem.setProperty("field", field);
    return new ErrorResponseException(HttpStatus.CONTENT_TOO_LARGE, problem, null);
  }

  /** 503 with Retry-After: the client retries (a send with the same clientMsgId). */
  public static ErrorResponseException unavailable(String detail) {
    ErrorResponseException error = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE,
        problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", detail), null);
    error.getHeaders().set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    return error;
  }

  /**
   * 503 {@code overloaded} with Retry-After: the instance turned the request away before doing
   * anything (nothing stored, nothing half-done); the client retries later, a send with the same
   * clientMsgId.
   */
  public static ErrorResponseException overloaded(String detail) {
    ErrorResponseException error = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE,
        problem(HttpStatus.SERVICE_UNAVAILABLE, "overloaded", detail), null);
    error.getHeaders().set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    return error;
  }

  public static ProblemDetail problem(HttpStatus status, String type, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create(TYPE_PREFIX + type));
    problem.setTitle(status.getReasonPhrase());
    return problem;
  }

  /** Writes a problem from a filter, where no controller advice runs. */
  public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String type, String detail) {
    var response = exchange.getResponse();
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    String json = "{\"type\":\"" + TYPE_PREFIX + type + "\",\"title\":\"" + status.getReasonPhrase()
        + "\",\"status\":" + status.value() + ",\"detail\":" + jsonString(detail)
        + ",\"instance\":" + jsonString(exchange.getRequest().getPath().value()) + "}";
    DataBuffer body = response.bufferFactory().wrap(json.getBytes(StandardCharsets.UTF_8));
    return response.writeWith(Mono.just(body));
  }

  static String jsonString(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
