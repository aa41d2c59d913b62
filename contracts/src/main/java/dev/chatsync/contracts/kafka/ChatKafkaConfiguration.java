package dev.chatsync.contracts.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * What a service imports to speak the wire contract on Kafka: records travel as bytes (each
 * {@link dev.chatsync.contracts.Topic} encodes and decodes its own JSON, so that a record that
 * cannot be read is still in hand, as bytes, for its dead-letter topic), and a {@link DeadLetters}
 * for the consumers. The services set {@code ByteArraySerializer} and {@code ByteArrayDeserializer}
 * as value (de)serializers in their configuration.
 */
@Configuration(proxyBeanMethods = false)
public class ChatKafkaConfiguration {

  @Bean
  DeadLetters deadLetters(KafkaTemplate<String, byte[]> kafka, ObjectProvider<MeterRegistry> meters) {
    return new DeadLetters(kafka, meters.getIfAvailable(SimpleMeterRegistry::new));
  }
}
