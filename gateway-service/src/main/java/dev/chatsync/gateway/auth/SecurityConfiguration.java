package dev.chatsync.gateway.auth;

import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;

@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  private static final int MIN_SECRET_BYTES = 32;

  @Bean
  SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ProblemAuthenticationEntryPoint problems) {
    return http
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        // Every API call carries its token; nothing is kept between requests.
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .authorizeExchange(exchanges -> exchanges
            .pathMatchers(HttpMethod.POST, "/api/v1/dev/tokens").permitAll()
            // The API's description and the page that shows it are public, as an API's docs are.
            .pathMatchers(HttpMethod.GET, "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/**").permitAll()
            .pathMatchers("/api/**").authenticated()
            .anyExchange().permitAll())
        .oauth2ResourceServer(server -> server.jwt(jwt -> {}).authenticationEntryPoint(problems))
        .exceptionHandling(handling -> handling.authenticationEntryPoint(problems))
        .build();
  }

  @Bean
  ReactiveJwtDecoder jwtDecoder(AuthProperties properties) {
    return TokenDecoder.of(properties);
  }

  static SecretKey secretKey(AuthProperties properties) {
    String secret = properties.jwtSecret();
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalStateException("chat.auth.jwt-secret must be set to at least " + MIN_SECRET_BYTES + " bytes");
    }
    return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }
}
