package dev.chatsync.gateway.auth;

import dev.chatsync.contracts.Ids;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/** The claims a client token must carry, whoever signed it. */
final class TokenValidation {

  private TokenValidation() {}

  static OAuth2TokenValidator<Jwt> of(AuthProperties properties) {
    List<OAuth2TokenValidator<Jwt>> checks = new ArrayList<>();
    // A token without exp would be valid forever: refused, whatever else it carries.
    checks.add(required(JwtClaimNames.EXP, "exp is required"));
    checks.add(new JwtTimestampValidator(properties.clockSkew()));
    if (properties.issuer() != null && !properties.issuer().isBlank()) {
      checks.add(new JwtIssuerValidator(properties.issuer()));
    }
    if (!properties.audiences().isEmpty()) {
      checks.add(jwt -> audienceOf(jwt).stream().anyMatch(properties.audiences()::contains)
          ? OAuth2TokenValidatorResult.success()
          : failure("aud must contain one of " + properties.audiences()));
    }
    // The subject is the user id, so it must be a valid one.
    checks.add(jwt -> Ids.isValid(jwt.getSubject()) ? OAuth2TokenValidatorResult.success() : failure("sub must be a user id"));
    return new DelegatingOAuth2TokenValidator<>(checks);
  }

  private static OAuth2TokenValidator<Jwt> required(String claim, String why) {
    return jwt -> jwt.getClaims().get(claim) != null ? OAuth2TokenValidatorResult.success() : failure(why);
  }

  private static Collection<String> audienceOf(Jwt jwt) {
    List<String> audience = jwt.getAudience();
    return audience == null ? List.of() : audience;
  }

  private static OAuth2TokenValidatorResult failure(String why) {
    return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", why, null));
  }
}
