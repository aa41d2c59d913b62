package dev.chatsync.gateway.tracing;

import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.stereotype.Component;

/**
 * Drops the trace headers a client sends, before the request's trace starts: a client's
 * {@code traceparent} would decide whether its sends are sampled (one flag recording a span for
 * every member of a large group), and its {@code tracestate} or baggage would travel with every
 * record a message fans out to. A trace starts at the gateway, sampled at the configured rate.
 * {@code chat.tracing.accept-client-trace=true} keeps them, for clients the deployment trusts (its
 * own tools, a test that follows one send).
 */
@Component
@ConditionalOnBooleanProperty(name = "chat.tracing.accept-client-trace", havingValue = false, matchIfMissing = true)
class ClientTraceHeaders implements HttpHandlerDecoratorFactory {

  private static final List<String> TRACE_HEADERS = List.of("traceparent", "tracestate", "baggage", "b3", "X-B3-TraceId",
      "X-B3-SpanId", "X-B3-ParentSpanId", "X-B3-Sampled", "X-B3-Flags");

  @Override
  public HttpHandler apply(HttpHandler handler) {
    return (request, response) -> {
      boolean traced = false;
      for (String header : TRACE_HEADERS) {
        traced |= request.getHeaders().containsHeader(header);
      }
      if (!traced) {
        return handler.handle(request, response);
      }
      return handler.handle(request.mutate().headers(headers -> TRACE_HEADERS.forEach(headers::remove)).build(), response);
    };
  }
}
