package dev.chatsync.message.settings;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.conversation.Mute;
import dev.chatsync.message.send.Membership;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** A member's settings of a conversation: for now, its mute. */
@Service
public class SettingsService {

  /** A request to change the settings, as the client sends it. */
  public record SettingsRequest(Boolean muted, String mutedUntil) {}

  private final Membership membership;
  private final SettingsStore store;
  private final Clock clock = Clock.systemUTC();

  SettingsService(Membership membership, SettingsStore store) {
    this.membership = membership;
    this.store = store;
  }

  public Mono<ConversationSettings> get(Caller caller, String conversationId) {
    return membership.require(conversationId, caller.userId())
        .then(Mono.defer(() -> store.mute(caller.userId(), conversationId)))
        .map(mute -> shown(conversationId, mute));
  }

  /** Unmuting forgets the end time; muting with none mutes until unmuted. */
  public Mono<ConversationSettings> put(Caller caller, String conversationId, SettingsRequest request) {
    if (request == null || request.muted() == null) {
      return Mono.error(Problems.invalid("muted", "is required: true or false"));
    }
    Instant until;
    try {
      until = request.muted() && request.mutedUntil() != null ? Instant.parse(request.mutedUntil()) : null;
    } catch (DateTimeParseException notAnInstant) {
      return Mono.error(Problems.invalid("mutedUntil", "must be an ISO-8601 instant such as 2026-12-24T18:00:00Z, or null"));
    }
    Mute mute = new Mute(request.muted(), until);
    return membership.require(conversationId, caller.userId())
        .then(Mono.defer(() -> store.mute(caller.userId(), conversationId, mute)))
        .thenReturn(shown(conversationId, mute));
  }

  private ConversationSettings shown(String conversationId, Mute mute) {
    boolean active = mute.activeAt(clock.instant());
    return new ConversationSettings(conversationId, active, active ? mute.until() : null);
  }
}
