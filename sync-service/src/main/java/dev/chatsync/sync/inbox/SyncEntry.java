package dev.chatsync.sync.inbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An inbox entry as a device receives it (docs/api.md, "Sync"). Which fields are set depends on the kind:
 * <ul>
 *   <li>{@code message}: {@code message};
 *   <li>{@code message-updated}: {@code message}, in its latest state (edited, or recalled: no body);
 *   <li>{@code read}: {@code upTo}, how far the user has read the conversation (on some device);
 *   <li>{@code receipt}: {@code upTo} and {@code readers}: others read the user's messages up to
 *       there (the receipts endpoint gives the exact counts);
 *   <li>{@code membership}: {@code change} ("added" or "removed"), {@code atSeq} (the user sees the
 *       messages after it, or none after it) and {@code by};
 *   <li>{@code channel-activity}: {@code headSeq}: a group delivered by read fanout has messages up
 *       to there; the device reads the ones it lacks from the conversation's history.
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SyncEntry(long seq, String kind, String conversationId, Message message, Long upTo, List<String> readers,
    String change, Long atSeq, String by, Long headSeq) {

  static SyncEntry message(InboxEntry entry, Message message) {
    return new SyncEntry(entry.seq(), entry.kind(), entry.conversationId(), message, null, null, null, null, null, null);
  }

  static SyncEntry of(InboxEntry entry) {
    return switch (entry.kind()) {
      case "read" -> new SyncEntry(entry.seq(), entry.kind(), entry.conversationId(), null, entry.conversationSeq(), null, null,
          null, null, null);
      case "receipt" -> new SyncEntry(entry.seq(), entry.kind(), entry.conversationId(), null, entry.conversationSeq(),
          entry.actors() == null ? List.of() : entry.actors(), null, null, null, null);
      case "membership" -> new SyncEntry(entry.seq(), entry.kind(), entry.conversationId(), null, null, null, entry.change(),
          entry.conversationSeq(), entry.actors() == null || entry.actors().isEmpty() ? null : entry.actors().get(0), null);
      case "channel-activity" -> new SyncEntry(entry.seq(), entry.kind(), entry.conversationId(), null, null, null, null, null,
          null, entry.conversationSeq());
      default -> new SyncEntry(entry.seq(), entry.kind(), entry.conversationId(), null, null, null, null, null, null, null);
    };
  }
}
