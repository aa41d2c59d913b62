package dev.chatsync.contracts.tracing;

import io.micrometer.observation.ObservationPredicate;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * What a service imports to carry traces across Kafka ({@link RecordTracing}) and, when asked, to
 * log its spans ({@code chat.tracing.log-spans}). Spans go to a collector only when an OTLP
 * endpoint is configured ({@code management.opentelemetry.tracing.export.otlp.endpoint}).
 */
@Configuration(proxyBeanMethods = false)
public class ChatTracingConfiguration {

  /** For the services on Kafka (all but the gateway). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.apache.kafka.common.header.Headers")
  static class Records {

    @Bean
    RecordTracing recordTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
      Tracer available = tracer.getIfAvailable();
      Propagator carrying = propagator.getIfAvailable();
      return available == null || carrying == null ? RecordTracing.NONE : new RecordTracing(available, carrying);
    }
  }

  /**
   * No trace for a probe, a scrape or a timer: a trace is a request or a message. (They keep no
   * request metrics either, which no panel reads.)
   */
  @Bean
  ObservationPredicate onlyRequestsAndMessagesAreTraced() {
    return (name, context) -> !name.startsWith("tasks.scheduled")
        && !(context instanceof ServerRequestObservationContext request
            && request.getCarrier().getPath().value().startsWith("/actuator"));
  }

  @Bean
  @ConditionalOnProperty(name = "chat.tracing.log-spans", havingValue = "true")
  SpanExporter spanLog() {
    return new SpanLog();
  }
}
