package dev.chatsync.contracts.identity;

import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/**
 * Imported by each service behind the gateway: checks the gateway's identity on every request and
 * hands the {@link Caller} to controllers. The gateway signs with the same {@link GatewayIdentity}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IdentityProperties.class)
public class GatewayIdentityConfiguration implements WebFluxConfigurer {

  @Bean
  GatewayIdentity gatewayIdentity(IdentityProperties properties) {
    return new GatewayIdentity(properties.secret(), properties.lifetime(), Clock.systemUTC(), properties.acceptUnbound());
  }

  @Bean
  GatewayIdentityWebFilter gatewayIdentityWebFilter(GatewayIdentity identity, @Value("${spring.application.name}") String service) {
    return new GatewayIdentityWebFilter(identity, service);
  }

  @Override
  public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
    configurer.addCustomResolver(new CallerArgumentResolver());
  }
}
