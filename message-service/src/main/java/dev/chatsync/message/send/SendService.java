package dev.chatsync.message.send;

import dev.chatsync.contracts.Ids;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

/**
 * The send path: validate, check membership, allocate the conversation seq, append to the storage
 * timeline, publish to the fanout, answer the sender. The answer comes only after the append, so
 * a 201 means the message is durably stored.
 */
@Service
public class SendService {

  private static final Pattern MESSAGE_TYPE = Pattern.compile("[a-z][a-z0-9._-]{0,31}");

  private final Membership membership;
  private final MessageStore messages;
  private final MessagePublisher publisher;
  private final MessageProperties properties;
  private final Clock clock;

  SendService(Membership membership, MessageStore messages, MessagePublisher publisher, MessageProperties properties) {
    this.membership = membership;
    this.messages = messages;
    this.publisher = publisher;
    this.properties = properties;
    this.clock = Clock.systemUTC();
  }

  public Mono<SentMessage> send(Caller caller, String conversationId, SendMessageRequest request) {
    ErrorResponseException invalid = validate(request);
    if (invalid != null) {
      return Mono.error(invalid);
    }
    String type = request.type() == null ? "text" : request.type();
    return membership.require(conversationId, caller.userId())
        .then(Mono.defer(() -> messages.allocateSeq(conversationId)))
        .switchIfEmpty(Mono.error(() -> Problems.notFound("No conversation " + conversationId + ".")))
        .map(seq -> new Message(conversationId, seq, UUID.randomUUID().toString(), request.clientMsgId(), caller.userId(),
            // Millisecond precision, as Cassandra stores it: the ACK and later reads agree.
            type, request.body(), clock.instant().truncatedTo(ChronoUnit.MILLIS)))
        .flatMap(message -> messages.append(message)
            .then(publisher.publish(new MessageAppended(conversationId, message.seq(), message.messageId(),
                message.senderId(), message.sentAt().toEpochMilli())))
            .thenReturn(SentMessage.of(message)));
  }

  /** The 400 for the first invalid field, or null when the request is valid. */
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
    if (request.body() == null || request.body().isEmpty()) {
      return Problems.invalid("body", "must not be empty");
    }
    int bytes = request.body().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > properties.maxBodyBytes()) {
      return Problems.invalid("body", "must be at most " + properties.maxBodyBytes() + " bytes of UTF-8, was " + bytes);
    }
    return null;
  }
}
