package dev.chatsync.message.send;

import dev.chatsync.contracts.Ids;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.send.SendDedup.Key;
import dev.chatsync.message.send.SendPath.Outcome;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageBodies;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

/**
 * A send: validate, admit, check membership, store it through the configured {@link SendPath},
 * publish to the fanout, answer the sender. The answer comes only after the message is durably
 * stored; from then on it reaches every member even if the publish fails or this instance dies
 * (P1: the conversation was marked recent before the append, and the fanout's republisher finds
 * what was never fanned out).
 */
@Service
public class SendService {

  private static final Logger log = LoggerFactory.getLogger(SendService.class);
  private static final Pattern MESSAGE_TYPE = Pattern.compile("[a-z][a-z0-9._-]{0,31}");

  private final Membership membership;
  private final SendPath path;
  private final MessagePublisher publisher;
  private final MessageProperties properties;
  private final SendAdmission admission;
  /** Sends stored by this instance, from the request to the answer (a forwarded send counts where it was stored). */
  private final Timer created;
  private final Timer repeated;

  SendService(Membership membership, SendPath path, MessagePublisher publisher, MessageProperties properties,
      SendAdmission admission, MeterRegistry meters) {
    this.created = sendTimer(meters, "created");
    this.repeated = sendTimer(meters, "repeated");
    this.membership = membership;
    this.path = path;
    this.publisher = publisher;
    this.properties = properties;
    this.admission = admission;
  }

  public Mono<Outcome> send(Caller caller, String conversationId, SendMessageRequest request) {
    ErrorResponseException invalid = validate(request);
    if (invalid != null) {
      return Mono.error(invalid);
    }
    long started = System.nanoTime();
    Key key = new Key(conversationId, caller.userId(), request.clientMsgId());
    String type = request.type() == null ? "text" : request.type();
    // Admitted before anything is read or written: a refused send leaves nothing behind. Its place
    // is given back once the message is stored, before the publish: a broker that is away makes a
    // publish wait for seconds, and that must not turn sends away (they are stored and republished).
    return admission.admit(membership.require(conversationId, caller.userId())
            .then(Mono.defer(() -> path.send(caller, key, type, request.body()))))
        .flatMap(outcome -> outcome.created() && outcome.storedHere() ? publish(outcome.message()).thenReturn(outcome)
            : Mono.just(outcome))
        .doOnNext(outcome -> {
          if (outcome.storedHere()) {
            (outcome.created() ? created : repeated).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
          }
        });
  }

  private static Timer sendTimer(MeterRegistry meters, String outcome) {
    return Timer.builder("chat.sends").tag("outcome", outcome)
        .description("Sends answered: created (a new message, stored) or repeated (a retry of a stored one)")
        .publishPercentileHistogram()
        .register(meters);
  }

  /** A failed publish is not the sender's problem: the message is stored and will be republished. */
  private Mono<Void> publish(SentMessage message) {
    return publisher.publish(new MessageAppended(message.conversationId(), message.seq(), message.messageId(),
            message.senderId(), message.sentAt().toEpochMilli()))
        .onErrorResume(failure -> {
          log.atWarn().addKeyValue("conversationId", message.conversationId()).addKeyValue("userId", message.senderId())
              .log("publishing " + message.conversationId() + "/" + message.seq() + " failed; the republisher will: " + failure);
          return Mono.empty();
        });
  }

  /** The error for the first invalid field, or null when the request is valid. */
  private ErrorResponseException validate(SendMessageRequest request) {
    if (request == null) {
      return Problems.invalid("body", "is required");
    }
    String idProblem = Ids.problemWith(request.clientMsgId());
    if (idProblem != null) {
      return Problems.invalid("clientMsgId", idProblem);
    }
    if (request.type() != null && !MESSAGE_TYPE.matcher(request.type()).matches()) {
      return Problems.invalid("type", "must be 1-32 characters of [a-z0-9._-], starting with a letter");
    }
    if (Message.RECALLED.equals(request.type())) {
      return Problems.invalid("type", "must not be " + Message.RECALLED + ": that is what a recalled message shows");
    }
    return MessageBodies.problemWith(request.body(), properties.maxBodyBytes());
  }
}
