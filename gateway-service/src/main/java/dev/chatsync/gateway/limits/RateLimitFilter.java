package dev.chatsync.gateway.limits;

import dev.chatsync.contracts.web.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

/**
 * Per-user and per-conversation rate limits (docs/api.md, "Rate limits"), checked before a request is
 * routed: a refused request gets 429 problem+json with Retry-After and never reaches a service, so
 * a refused send stores nothing and its retry with the same clientMsgId is a first send (P5).
 * Counted in this instance's memory: with N gateway instances behind a balancer that spreads one
 * user's requests, that user may get up to N times a limit.
 */
class RateLimitFilter implements GlobalFilter, Ordered {

  private static final String CONVERSATIONS = "/api/v1/conversations/";
  private static final String MESSAGES = "messages";
  private static final String STREAM = "/api/v1/stream";

  /** One limit: its buckets, how a client is told about it, and its refusals' counter. */
  record Limit(TokenBuckets buckets, String description, Counter refused) {}

  private final boolean enabled;
  private final Limit userRequests;
  private final Limit userSends;
  private final Limit userStreams;
  private final Limit conversationSends;

  /** With the limits off every request passes, and the meters still exist (at 0) for dashboards. */
  RateLimitFilter(RateLimitProperties properties, MeterRegistry meters, LongSupplier nanoTime) {
    enabled = properties.enabled();
    userRequests = limit("user-requests", properties.userRequestsPerSecond(), Duration.ofSeconds(1),
        "requests a second per user", meters, nanoTime);
    userSends = limit("user-sends", properties.userSendsPerSecond(), Duration.ofSeconds(1),
        "sends a second per user", meters, nanoTime);
    userStreams = limit("user-streams", properties.userStreamsPerMinute(), Duration.ofMinutes(1),
        "new streams a minute per user", meters, nanoTime);
    conversationSends = limit("conversation-sends", properties.conversationSendsPerSecond(), Duration.ofSeconds(1),
        "sends a second into one conversation", meters, nanoTime);
  }

  private static Limit limit(String name, int permits, Duration period, String unit, MeterRegistry meters, LongSupplier nanoTime) {
    if (permits == 0) {
      return null;
    }
    Counter refused = Counter.builder("chat.gateway.rate.limited").tag("limit", name)
        .description("Requests refused with 429 by this limit").register(meters);
    return new Limit(new TokenBuckets(permits, period, nanoTime), "At most " + permits + " " + unit, refused);
  }

  /** The limit that turned a request away, and how long until it would admit one. */
  record Refusal(Limit limit, Duration retryAfter) {}

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    if (!enabled) {
      return chain.filter(exchange);
    }
    return exchange.getPrincipal()
        .ofType(JwtAuthenticationToken.class)
        .map(token -> Optional.ofNullable(refusal(exchange.getRequest(), token.getToken().getSubject())))
        .defaultIfEmpty(Optional.empty())
        .flatMap(refusal -> refusal.isPresent() ? refuse(exchange, refusal.get()) : chain.filter(exchange));
  }

  /**
   * Takes a permit from every limit that applies, or none: a limit that refuses gets the permits
   * taken before it back. Null when admitted.
   */
  private Refusal refusal(ServerHttpRequest request, String user) {
    List<Limit> limits = new ArrayList<>(3);
    List<String> keys = new ArrayList<>(3);
    add(limits, keys, userRequests, user);
    // Decoded, as the routes and the services match it: /m%65ssages is a send too, and an encoded
    // spelling of a conversation id counts against the same bucket.
    String path = UriUtils.decode(request.getPath().value(), StandardCharsets.UTF_8);
    String conversation = sendTarget(request.getMethod(), path);
    if (conversation != null) {
      add(limits, keys, userSends, user);
      add(limits, keys, conversationSends, conversation);
    } else if (HttpMethod.GET.equals(request.getMethod()) && STREAM.equals(path)) {
      add(limits, keys, userStreams, user);
    }
    for (int i = 0; i < limits.size(); i++) {
      Duration wait = limits.get(i).buckets().take(keys.get(i));
      if (!wait.isZero()) {
        for (int j = 0; j < i; j++) {
          limits.get(j).buckets().giveBack(keys.get(j));
        }
        return new Refusal(limits.get(i), wait);
      }
    }
    return null;
  }

  private static void add(List<Limit> limits, List<String> keys, Limit limit, String key) {
    if (limit != null) {
      limits.add(limit);
      keys.add(key);
    }
  }

  /**
   * The conversation of a send ({@code POST /api/v1/conversations/{id}/messages}) or of a change to
   * a message ({@code PATCH} or {@code DELETE /api/v1/conversations/{id}/messages/{seq}}), decoded
   * path, else null. A change costs what a send costs: an entry in every member's inbox.
   */
  static String sendTarget(HttpMethod method, String path) {
    if (!path.startsWith(CONVERSATIONS)) {
      return null;
    }
    String[] parts = path.substring(CONVERSATIONS.length()).split("/", -1);
    boolean send = HttpMethod.POST.equals(method) && parts.length == 2;
    boolean change = (HttpMethod.PATCH.equals(method) || HttpMethod.DELETE.equals(method)) && parts.length == 3
        && !parts[2].isEmpty();
    return (send || change) && !parts[0].isEmpty() && MESSAGES.equals(parts[1]) ? parts[0] : null;
  }

  private static Mono<Void> refuse(ServerWebExchange exchange, Refusal refusal) {
    refusal.limit().refused().increment();
    long seconds = Math.max(1, (refusal.retryAfter().toMillis() + 999) / 1000);
    exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    return Problems.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
        refusal.limit().description() + "; retry in " + seconds + " s.");
  }

  @Override
  public int getOrder() {
    // Before routing, with the identity relay and the size check: a refused request reaches no service.
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
