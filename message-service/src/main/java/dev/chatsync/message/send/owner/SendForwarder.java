package dev.chatsync.message.send.owner;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.identity.GatewayIdentity;
import dev.chatsync.contracts.identity.GatewayIdentity.Target;
import dev.chatsync.message.send.SendDedup.Key;
import dev.chatsync.message.send.SendMessageRequest;
import dev.chatsync.message.send.SendPath.Outcome;
import dev.chatsync.message.send.SentMessage;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Hands a send to the instance that owns its conversation's slot, with the caller's identity
 * signed anew, and answers with what that instance answered. One hop only: an instance that got a
 * forwarded send it does not own (the slot moved meanwhile) answers 503, and the client retries
 * with the same clientMsgId (P5).
 */
public class SendForwarder {

  /** Set by the receiving instance on a forwarded send; the gateway strips every X-Chat- header clients send. */
  public static final String HEADER = GatewayIdentity.INTERNAL_HEADER_PREFIX + "Forwarded-By";

  /** The owner is another message-service instance. */
  private static final String SERVICE = "message-service";

  private static final String FORWARDED = SendForwarder.class.getName() + ".forwarded";

  private final SlotLeases leases;
  private final GatewayIdentity identity;
  private final WebClient client;
  private final Duration timeout;

  public SendForwarder(SlotLeases leases, GatewayIdentity identity, WebClient client, Duration timeout) {
    this.leases = leases;
    this.identity = identity;
    this.client = client;
    this.timeout = timeout;
  }

  /** Marks a request that was forwarded here, so that it is not forwarded again. */
  public static Context forwardedHere(Context context, String forwardedBy) {
    return forwardedBy == null ? context : context.put(FORWARDED, forwardedBy);
  }

  Mono<Outcome> forward(Caller caller, Key key, String type, String body, RuntimeException notHere) {
    return Mono.deferContextual(context -> {
      Optional<String> owner = leases.ownerElsewhere(SendSlots.slotOf(key.conversationId()));
      if (context.hasKey(FORWARDED) || owner.isEmpty()) {
        return Mono.error(notHere);
      }
      URI uri = UriComponentsBuilder.fromUriString(owner.get())
          .path("/api/v1/conversations/{conversationId}/messages")
          .buildAndExpand(key.conversationId()).encode().toUri();
      return client.post()
          .uri(uri)
          .header(GatewayIdentity.HEADER, identity.sign(caller, new Target("POST", uri.getRawPath(), SERVICE)))
          .header(HEADER, leases.instanceId())
          .bodyValue(new SendMessageRequest(key.clientMsgId(), type, body))
          .exchangeToMono(this::answer)
          .timeout(timeout)
          // The owner was not reached, or did not answer in time: the send may or may not be stored there,
          // which a retry with the same clientMsgId settles.
          .onErrorMap(failure -> !(failure instanceof ErrorResponseException), failure -> notHere);
    });
  }

  private Mono<Outcome> answer(ClientResponse response) {
    HttpStatus status = HttpStatus.valueOf(response.statusCode().value());
    if (status == HttpStatus.CREATED || status == HttpStatus.OK) {
      return response.bodyToMono(SentMessage.class).map(sent -> new Outcome(sent, status == HttpStatus.CREATED, false));
    }
    String retryAfter = response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER);
    return response.bodyToMono(ProblemDetail.class)
        .defaultIfEmpty(ProblemDetail.forStatus(status))
        .flatMap(problem -> {
          ErrorResponseException error = new ErrorResponseException(status, problem, null);
          if (retryAfter != null) {
            error.getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter);
          }
          return Mono.error(error);
        });
  }
}
