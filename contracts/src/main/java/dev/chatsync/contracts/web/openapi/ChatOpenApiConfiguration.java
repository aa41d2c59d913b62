package dev.chatsync.contracts.web.openapi;

import dev.chatsync.contracts.identity.Caller;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;
import java.util.TreeSet;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What a service imports to describe its endpoints (springdoc, at {@code /v3/api-docs}, read by the
 * gateway, which serves the whole API's description): the caller is never a parameter (the gateway
 * passes it), and each endpoint's error statuses ({@link ErrorResponses}, and 401 and 503 for every
 * one) are problem+json responses.
 */
@Configuration(proxyBeanMethods = false)
public class ChatOpenApiConfiguration {

  /** Every endpoint: a request that did not come through the gateway, or a store or broker away. */
  private static final int[] EVERY_ENDPOINT = {401, 503};

  static {
    // Resolved from the gateway's signed identity, never sent by a client.
    SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
  }

  @Bean
  OperationCustomizer errorResponses() {
    return (operation, handler) -> {
      TreeSet<Integer> statuses = new TreeSet<>();
      for (int status : EVERY_ENDPOINT) {
        statuses.add(status);
      }
      ErrorResponses declared = handler.getMethodAnnotation(ErrorResponses.class);
      if (declared != null) {
        for (int status : declared.value()) {
          statuses.add(status);
        }
      }
      ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
      statuses.forEach(status -> responses.putIfAbsent(Integer.toString(status), problemResponse(status)));
      operation.setResponses(responses);
      return operation;
    };
  }

  @Bean
  OpenApiCustomizer problemSchema() {
    return api -> {
      if (api.getComponents() == null) {
        api.setComponents(new Components());
      }
      ModelConverters.getInstance(true).readAll(ProblemDocument.class).forEach(api.getComponents()::addSchemas);
      api.getComponents().getSchemas().values().forEach(ChatOpenApiConfiguration::allowNullWhereOptional);
    };
  }

  /**
   * A field that is not required may come as null (Jackson writes the records' absent values as
   * null): OpenAPI 3.1 says so with the "null" type beside the field's own.
   */
  private static void allowNullWhereOptional(Schema<?> schema) {
    if (schema.getProperties() == null) {
      return;
    }
    List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
    schema.getProperties().forEach((name, property) -> {
      if (!required.contains(name) && property.getTypes() != null && !property.getTypes().isEmpty()) {
        property.addType("null");
      }
    });
  }

  private static ApiResponse problemResponse(int status) {
    return new ApiResponse().description(ErrorMeanings.of(status)).content(new Content().addMediaType(ErrorMeanings.PROBLEM_JSON,
        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + ErrorMeanings.PROBLEM_SCHEMA))));
  }
}
