package dev.chatsync.sync;

import dev.chatsync.contracts.identity.GatewayIdentityConfiguration;
import dev.chatsync.contracts.kafka.ChatKafkaConfiguration;
import dev.chatsync.contracts.tracing.ChatTracingConfiguration;
import dev.chatsync.contracts.web.ApiExceptionHandler;
import dev.chatsync.contracts.web.openapi.ChatOpenApiConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** A device's view of its user's inbox: "everything after seq X", page by page, or pushed live. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({GatewayIdentityConfiguration.class, ApiExceptionHandler.class, ChatKafkaConfiguration.class,
    ChatTracingConfiguration.class, ChatOpenApiConfiguration.class})
public class SyncApplication {

  public static void main(String[] args) {
    SpringApplication.run(SyncApplication.class, args);
  }
}
