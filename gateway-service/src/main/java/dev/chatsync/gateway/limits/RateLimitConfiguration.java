package dev.chatsync.gateway.limits;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

  @Bean
  RateLimitFilter rateLimitFilter(RateLimitProperties properties, MeterRegistry meters) {
    return new RateLimitFilter(properties, meters, System::nanoTime);
  }
}
