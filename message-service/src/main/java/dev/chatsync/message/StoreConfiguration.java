package dev.chatsync.message;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.cassandra.autoconfigure.CqlSessionBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the deadlines of conditional writes are measured against, and what the store is asked. */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

  /** The driver's own request timeout ({@code spring.cassandra.request.timeout}), not a copy of it. */
  @Bean
  WriteMargin writeMargin(CqlSession session, MessageProperties properties) {
    var timeout = session.getContext().getConfig().getDefaultProfile().getDuration(DefaultDriverOption.REQUEST_TIMEOUT);
    return new WriteMargin(timeout, properties.clockSkew());
  }

  @Bean
  CqlSessionBuilderCustomizer countedRequests(MeterRegistry meters) {
    return builder -> builder.addRequestTracker(new CassandraRequests(meters));
  }
}
