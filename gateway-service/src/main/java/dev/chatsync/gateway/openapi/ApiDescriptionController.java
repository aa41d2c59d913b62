package dev.chatsync.gateway.openapi;

import dev.chatsync.contracts.web.Problems;
import dev.chatsync.gateway.auth.AuthProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/v1/openapi.json}: the API's description (OpenAPI 3.1), read from the services
 * behind the routes (each route names its service) and merged; {@code GET /api/v1/docs}: a page
 * that shows it (Swagger UI). Both without a token. The merged description is kept for a minute:
 * it changes only with a deployment.
 */
@RestController
class ApiDescriptionController {

  static final String DESCRIPTION = "/api/v1/openapi.json";
  static final String PAGE = "/api/v1/docs";
  /** Where each service serves its own description (springdoc's default). */
  private static final String SERVICE_DESCRIPTION = "/v3/api-docs";
  private static final Duration KEPT = Duration.ofMinutes(1);
  /** A service builds its description at the first request: seconds on a busy machine. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

  private static final Log log = LogFactory.getLog(ApiDescriptionController.class);

  private final Mono<ObjectNode> description;
  private final String page;

  ApiDescriptionController(RouteLocator routes, AuthProperties auth) {
    ApiDescription merger = new ApiDescription(auth, JsonMapper.builder().build());
    // A description is tens of KB; room for a much larger one than today's.
    WebClient web = WebClient.builder().codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024)).build();
    this.description = routes.getRoutes()
        .filter(route -> route.getMetadata().get("service") instanceof String)
        .collectMap(route -> (String) route.getMetadata().get("service"), Route::getUri, TreeMap::new)
        .flatMapMany(services -> Flux.fromIterable(services.entrySet()))
        .flatMap(service -> web.get().uri(service.getValue().resolve(SERVICE_DESCRIPTION)).retrieve().bodyToMono(String.class)
            .timeout(READ_TIMEOUT)
            .map(body -> Map.entry(service.getKey(), merger.parse(service.getKey(), body)))
            .onErrorMap(failure -> new ServiceDescriptionUnavailable("the API description of " + service.getKey()
                + " could not be read", failure)))
        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
        // Two services that disagree (a rolling upgrade half done) make no description until they agree.
        .map(descriptions -> {
          try {
            return merger.merge(descriptions);
          } catch (IllegalStateException disagreeing) {
            throw new ServiceDescriptionUnavailable(disagreeing.getMessage(), disagreeing);
          }
        })
        // A failed read is tried again at the next request; a good description is kept a while.
        .cache(merged -> KEPT, failure -> Duration.ZERO, () -> Duration.ZERO);
    this.page = read("openapi/docs.html");
  }

  @GetMapping(path = DESCRIPTION, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ObjectNode> description() {
    return description.onErrorMap(ServiceDescriptionUnavailable.class, unavailable -> {
      log.warn(unavailable.getMessage() + ": " + unavailable.getCause());
      return Problems.unavailable(unavailable.getMessage() + "; try again");
    });
  }

  @GetMapping(path = PAGE, produces = MediaType.TEXT_HTML_VALUE)
  Mono<String> page() {
    return Mono.just(page);
  }

  private static String read(String resource) {
    try {
      return new ClassPathResource(resource).getContentAsString(StandardCharsets.UTF_8);
    } catch (IOException missing) {
      throw new UncheckedIOException(missing);
    }
  }

  private static final class ServiceDescriptionUnavailable extends RuntimeException {
    ServiceDescriptionUnavailable(String why, Throwable cause) {
      super(why, cause);
    }
  }
}
