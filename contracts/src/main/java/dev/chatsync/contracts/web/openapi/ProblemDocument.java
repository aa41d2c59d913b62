package dev.chatsync.contracts.web.openapi;

import io.swagger.v3.oas.annotations.media.Schema;

/** The shape of every error body (RFC 9457), as the API description gives it; never built. */
@Schema(name = "Problem", description = "An error (application/problem+json). Further fields may come with some types: "
    + "cursor-expired carries headSeq and lowWaterSeq.", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
record ProblemDocument(
    @Schema(description = "A URI ending in the error's short name: invalid-request, unauthenticated, forbidden, not-found, "
        + "conflict, cursor-expired, too-large, rate-limited, unavailable, send-in-progress, overloaded",
        requiredMode = Schema.RequiredMode.REQUIRED, example = "https://chatsync.dev/problems/invalid-request") String type,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String title,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) int status,
    @Schema(description = "What went wrong, for a person") String detail,
    @Schema(description = "The request's path") String instance,
    @Schema(description = "The request field that is wrong (invalid-request, too-large)") String field,
    @Schema(description = "cursor-expired: the inbox's newest seq") Long headSeq,
    @Schema(description = "cursor-expired: the inbox holds every entry after this seq") Long lowWaterSeq) {}
