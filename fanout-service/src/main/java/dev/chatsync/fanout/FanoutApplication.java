package dev.chatsync.fanout;

import dev.chatsync.contracts.kafka.ChatKafkaConfiguration;
import dev.chatsync.contracts.tracing.ChatTracingConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Profile;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Turns each stored message into one inbox entry per member: stage 1 ({@code expand}) expands a
 * conversation's members, stage 2 ({@code inbox}) is the single writer of each user's inbox, and
 * the republisher ({@code republish}) announces messages whose publish failed. With the profile
 * {@code recovery} it runs one recovery command instead ({@code recovery}) and exits.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({ChatKafkaConfiguration.class, ChatTracingConfiguration.class})
public class FanoutApplication {

  public static void main(String[] args) {
    ConfigurableApplicationContext context = SpringApplication.run(FanoutApplication.class, args);
    if (context.getEnvironment().matchesProfiles("recovery")) {
      System.exit(SpringApplication.exit(context));
    }
  }

  /** The republisher's sweeps: never during a recovery, which runs while the fanout is stopped. */
  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  @Profile("!recovery")
  static class Scheduling {}
}
