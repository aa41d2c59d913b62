package dev.chatsync.fanout;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration(proxyBeanMethods = false)
class KafkaErrorHandling {

  /**
   * A poll that fails (Cassandra or the broker unavailable) is retried with growing pauses until it
   * succeeds: skipping it would lose a delivery (P1), and the offsets are committed only after the
   * writes are done. Records that can never succeed do not get here: the listeners hand them to
   * {@code DeadLetters} (their topic's {@code .dlt}) and go on, so what is retried is transient.
   */
  @Bean
  DefaultErrorHandler retryForever(FanoutProperties properties) {
    ExponentialBackOff backOff = new ExponentialBackOff(100, 2.0);
    backOff.setMaxInterval(properties.retryBackoffMax().toMillis());
    return new DefaultErrorHandler(backOff);
  }
}
