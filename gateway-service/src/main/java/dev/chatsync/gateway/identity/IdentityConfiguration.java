package dev.chatsync.gateway.identity;

import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.contracts.identity.IdentityProperties;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IdentityProperties.class)
class IdentityConfiguration {

  @Bean
  IdentityRelayFilter identityRelayFilter(IdentityProperties properties) {
    return new IdentityRelayFilter(new GatewayIdentity(properties.secret(), properties.lifetime(), Clock.systemUTC()));
  }
}
