package dev.chatsync.message.lifecycle;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.conversation.ConversationStore;
import dev.chatsync.message.conversation.ConversationSummary;
import dev.chatsync.message.conversation.ConversationType;
import dev.chatsync.message.conversation.Member;
import dev.chatsync.message.send.Membership;
import dev.chatsync.message.sweep.ChangeJournal;
import dev.chatsync.message.sweep.ChangeKind;
import dev.chatsync.message.timeline.Message;
import dev.chatsync.message.timeline.MessageBodies;
import dev.chatsync.message.timeline.MessageChanges;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

/**
 * Edit and recall (docs/api.md, "Message lifecycle"). A change is decided on the message as read,
 * noted for the sweeper, written by compare-and-set on the message's version, then announced: a
 * request that dies after the write leaves the announcement to the sweeper (P1), and concurrent
 * changes serialize on the version (a stale If-Match gets 409).
 */
@Service
public class MessageLifecycleService {

  private static final Logger log = LoggerFactory.getLogger(MessageLifecycleService.class);
  /** Compare-and-set attempts without If-Match before a change gives up with 409. */
  static final int ATTEMPTS = 4;

  private final Membership membership;
  private final ConversationStore conversations;
  private final MessageChanges changes;
  private final ChangeJournal journal;
  private final ChangeCompletion completion;
  private final int maxBodyBytes;
  private final Duration recallWindow;
  private final Clock clock = Clock.systemUTC();

  MessageLifecycleService(Membership membership, ConversationStore conversations, MessageChanges changes, ChangeJournal journal,
      ChangeCompletion completion, MessageProperties properties) {
    this.membership = membership;
    this.conversations = conversations;
    this.changes = changes;
    this.journal = journal;
    this.completion = completion;
    this.maxBodyBytes = properties.maxBodyBytes();
    this.recallWindow = properties.recallWindow();
  }

  /**
   * The sender replaces the body. {@code ifMatch}, if given, is the version the client saw, quoted
   * as an ETag ("3") or {@code *}; a message at another version answers 409.
   */
  public Mono<Message> edit(Caller caller, String conversationId, long seq, EditMessageRequest request, String ifMatch) {
    ErrorResponseException bad = request == null ? Problems.invalid("body", "is required")
        : MessageBodies.problemWith(request.body(), maxBodyBytes);
    if (bad == null && seq < 1) {
      bad = Problems.invalid("seq", "must be at least 1");
    }
    Optional<Integer> expected;
    try {
      expected = IfMatch.version(ifMatch);
    } catch (ErrorResponseException notAVersion) {
      bad = bad == null ? notAVersion : bad;
      expected = Optional.empty();
    }
    if (bad != null) {
      return Mono.error(bad);
    }
    Optional<Integer> seen = expected;
    return change(caller, conversationId, seq,
        (message, summary) -> editRefusal(caller, message, seen),
        (message, at) -> changes.edit(message, request.body(), at)
            .map(applied -> applied ? Optional.of(message.afterEdit(request.body(), at)) : Optional.<Message>empty()));
  }

  /**
   * Recalls the message for everyone: the sender within the recall window, or a group's creator at
   * any time. A message recalled already answers as if recalled now (a retried recall is 204).
   */
  public Mono<Void> recall(Caller caller, String conversationId, long seq) {
    if (seq < 1) {
      return Mono.error(Problems.invalid("seq", "must be at least 1"));
    }
    return change(caller, conversationId, seq,
        (message, summary) -> recallRefusal(caller, message, summary),
        (message, at) -> changes.recall(message, caller.userId(), at)
            .map(applied -> applied ? Optional.of(message.afterRecall(caller.userId(), at)) : Optional.<Message>empty()))
        .then();
  }

  /** Why the caller may not edit the message as it is, or null if they may. */
  private ErrorResponseException editRefusal(Caller caller, Message message, Optional<Integer> expected) {
    if (!message.senderId().equals(caller.userId())) {
      return Problems.forbidden("Only the sender edits a message.");
    }
    if (message.recalled()) {
      return Problems.conflict("Message " + message.seq() + " was recalled; it can no longer be edited.");
    }
    if (expected.isPresent() && expected.get() != message.version()) {
      return Problems.conflict("Message " + message.seq() + " is at version " + message.version() + ", not "
          + expected.get() + " (If-Match); read it again and retry.");
    }
    return null;
  }

  /** Why the caller may not recall the message, or null if they may (a recalled message: recalled again). */
  private ErrorResponseException recallRefusal(Caller caller, Message message, ConversationSummary summary) {
    if (summary.type() == ConversationType.GROUP && caller.userId().equals(summary.creatorId())) {
      return null;
    }
    if (!message.senderId().equals(caller.userId())) {
      return Problems.forbidden("Only the sender, or the group's creator, recalls a message.");
    }
    if (!message.recalled() && clock.instant().isAfter(message.sentAt().plus(recallWindow))) {
      return Problems.forbidden("Message " + message.seq() + " was sent more than " + recallWindow
          + " ago; only the group's creator recalls it now.");
    }
    return null;
  }

  /**
   * Reads the message and the conversation, asks {@code refusal} whether the change may be made,
   * notes it for the sweeper (once, before its first write: a refused change notes nothing), and
   * writes it; a lost compare-and-set reads again and asks again. {@code write} gives the message's
   * state after the change, or empty if the compare-and-set was lost. Recalling a recalled message
   * changes nothing: it finishes what the first recall may have left.
   */
  private Mono<Message> change(Caller caller, String conversationId, long seq,
      BiFunction<Message, ConversationSummary, ErrorResponseException> refusal,
      BiFunction<Message, Instant, Mono<Optional<Message>>> write) {
    Mono<ChangeJournal.Deadline> noted = journal.begin(ChangeKind.MESSAGE, conversationId, Long.toString(seq)).cache();
    return membership.require(conversationId, caller.userId())
        .flatMap(member -> conversations.summary(conversationId)
            .flatMap(summary -> summary.isEmpty()
                ? Mono.error(Problems.notFound("No conversation " + conversationId + "."))
                : attempt(member, summary.get(), seq, refusal, message -> noted.flatMap(deadline -> deadline.before(
                    () -> write.apply(message, clock.instant()))), ATTEMPTS)));
  }

  private Mono<Message> attempt(Member member, ConversationSummary summary, long seq,
      BiFunction<Message, ConversationSummary, ErrorResponseException> refusal, Function<Message, Mono<Optional<Message>>> write,
      int attemptsLeft) {
    return changes.find(member.conversationId(), seq, false).flatMap(found -> {
      // P6: a message from before the caller joined is not theirs to see.
      if (found.isEmpty() || seq <= member.joinedSeq()) {
        return Mono.error(Problems.notFound("No message " + seq + " in conversation " + member.conversationId() + "."));
      }
      Message message = found.get().message();
      ErrorResponseException refused = refusal.apply(message, summary);
      if (refused != null) {
        return Mono.error(refused);
      }
      if (message.recalled()) {
        return completion.finish(member.conversationId(), Long.toString(seq)).thenReturn(message);
      }
      return write.apply(message).flatMap(changed -> {
        if (changed.isPresent()) {
          return announce(changed.get()).thenReturn(changed.get());
        }
        return attemptsLeft > 1 ? attempt(member, summary, seq, refusal, write, attemptsLeft - 1)
            : Mono.error(Problems.conflict("Message " + seq + " changed while this change was made; read it again and retry."));
      });
    });
  }

  /** A failed announcement is left to the sweeper: the change is stored, the client need not retry. */
  private Mono<Void> announce(Message message) {
    return completion.announce(message).onErrorResume(failure -> {
      log.atWarn().addKeyValue("conversationId", message.conversationId())
          .log("announcing the change of " + message.conversationId() + "/" + message.seq() + " failed; the sweeper will: "
              + failure);
      return Mono.empty();
    });
  }
}
