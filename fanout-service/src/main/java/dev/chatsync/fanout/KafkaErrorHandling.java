package dev.chatsync.fanout;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration(proxyBeanMethods = false)
class KafkaErrorHandling {

  /**
   * A record that fails (Cassandra or the broker unavailable) is retried with growing pauses until
   * it succeeds: skipping it would lose a delivery (P1), and the offset is committed only after
   * the record's writes are done. A record that can never succeed stalls its partition, loudly,
   * in the log; it is not dropped.
   */
  @Bean
  DefaultErrorHandler retryForever(FanoutProperties properties) {
    ExponentialBackOff backOff = new ExponentialBackOff(100, 2.0);
    backOff.setMaxInterval(properties.retryBackoffMax().toMillis());
    return new DefaultErrorHandler(backOff);
  }
}
