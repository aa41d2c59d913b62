package dev.chatsync.message;

import dev.chatsync.contracts.identity.GatewayIdentityConfiguration;
import dev.chatsync.contracts.tracing.ChatTracingConfiguration;
import dev.chatsync.contracts.web.ApiExceptionHandler;
import dev.chatsync.contracts.web.openapi.ChatOpenApiConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** Conversations, membership, the send path and history. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({GatewayIdentityConfiguration.class, ApiExceptionHandler.class, ChatTracingConfiguration.class,
    ChatOpenApiConfiguration.class})
public class MessageServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(MessageServiceApplication.class, args);
  }
}
