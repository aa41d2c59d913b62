package dev.chatsync.fanout;

import dev.chatsync.contracts.kafka.ChatKafkaConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Turns each stored message into one inbox entry per member: stage 1 ({@code expand}) expands a
 * conversation's members, stage 2 ({@code inbox}) is the single writer of each user's inbox, and
 * the republisher ({@code republish}) announces messages whose publish failed.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Import(ChatKafkaConfiguration.class)
public class FanoutApplication {

  public static void main(String[] args) {
    SpringApplication.run(FanoutApplication.class, args);
  }
}
