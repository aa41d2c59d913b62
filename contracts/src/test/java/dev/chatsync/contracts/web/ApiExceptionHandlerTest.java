package dev.chatsync.contracts.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class ApiExceptionHandlerTest {

  private final ApiExceptionHandler handler = new ApiExceptionHandler();
  private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/x"));

  @Test
  void anUnreachableStoreOrBrokerIsA503WithRetryAfter() {
    var wrapped = new IllegalStateException("send failed", new org.apache.kafka.common.errors.TimeoutException("no broker"));

    var response = handler.unexpected(wrapped, exchange).block();

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("1");
    assertThat(((ProblemDetail) response.getBody()).getType().toString()).endsWith("/unavailable");
  }

  @Test
  void aClientBugIsNotMistakenForAnOutage() {
    var bug = new IllegalStateException(new org.apache.kafka.common.errors.SerializationException("bad record"));

    assertThat(handler.unexpected(bug, exchange).block().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
  }

  @Test
  void anythingElseIsA500ThatRevealsNothing() {
    var response = handler.unexpected(new IOException("secret internals"), exchange).block();

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
    assertThat(((ProblemDetail) response.getBody()).getDetail()).doesNotContain("secret");
  }

  @Test
  void frameworkErrorsGetATypeNamedForTheirStatus() {
    assertThat(ApiExceptionHandler.typeOf(HttpStatus.BAD_REQUEST)).isEqualTo("invalid-request");
    assertThat(ApiExceptionHandler.typeOf(HttpStatus.METHOD_NOT_ALLOWED)).isEqualTo("method-not-allowed");
    assertThat(ApiExceptionHandler.typeOf(HttpStatus.UNSUPPORTED_MEDIA_TYPE)).isEqualTo("unsupported-media-type");
  }
}
