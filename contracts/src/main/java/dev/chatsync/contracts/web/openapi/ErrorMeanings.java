package dev.chatsync.contracts.web.openapi;

import java.util.Map;

/**
 * What each error status means in this API (docs/api.md, "Errors"), as the API description gives
 * it: one wording for the services' responses and the gateway's own (401, 413, 429).
 */
public final class ErrorMeanings {

  public static final String PROBLEM_JSON = "application/problem+json";
  /** The name of the problem schema among the description's components. */
  public static final String PROBLEM_SCHEMA = "Problem";

  private static final Map<Integer, String> MEANINGS = Map.of(
      400, "invalid-request: a field is missing or wrong (named in `field`)",
      401, "unauthenticated: no token, or an invalid or expired one",
      403, "forbidden: not a member, or not yours",
      404, "not-found: no such conversation or message",
      409, "conflict: the request contradicts the state",
      410, "cursor-expired: the inbox entries after the cursor are gone; rebuild, then go on after `headSeq`",
      413, "too-large: the body or a field is larger than allowed",
      429, "rate-limited: past a rate limit; nothing was done. Retry after `Retry-After` seconds",
      503, "unavailable, send-in-progress or overloaded: nothing was done, or the same send is still running. "
          + "Retry after `Retry-After` seconds (a send with the same clientMsgId)");

  private ErrorMeanings() {}

  public static String of(int status) {
    String meaning = MEANINGS.get(status);
    if (meaning == null) {
      throw new IllegalArgumentException("no error of status " + status + " in the API's vocabulary");
    }
    return meaning;
  }
}
