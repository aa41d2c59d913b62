package dev.chatsync.contracts.web.openapi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The error statuses an endpoint answers besides those every endpoint may (401, 503): each becomes a
 * problem+json response of the endpoint in the API description. Kept beside the handler, so a new
 * error is described where it is written.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ErrorResponses {

  /** HTTP statuses, e.g. {@code {400, 403, 404}}. */
  int[] value();
}
