package dev.chatsync.gateway;

import dev.chatsync.contracts.tracing.ChatTracingConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** The only public entry: verifies the caller, passes a signed identity on, routes to the services. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(ChatTracingConfiguration.class)
public class GatewayApplication {

  public static void main(String[] args) {
    SpringApplication.run(GatewayApplication.class, args);
  }
}
