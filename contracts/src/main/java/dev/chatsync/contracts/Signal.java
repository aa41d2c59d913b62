package dev.chatsync.contracts;

/**
 * Something only open streams care about, pushed and never stored (docs/api.md, "Signals"): it
 * rides chat.inbox-notify to the user's streams, which send it as an event without an id, so a
 * device's Last-Event-ID is unaffected. Losing one costs nothing a device must learn.
 *
 * @param event the stream event's name: {@link #TYPING} or {@link #PRESENCE}
 * @param conversationId the conversation someone types in (typing only)
 * @param userId who types, or whose presence changed
 * @param untilMillis until when the typing lasts, epoch milliseconds (typing only)
 * @param online whether the user is online (presence only)
 * @param atMillis when it happened: for presence, when the user was last seen
 */
public record Signal(String event, String conversationId, String userId, long untilMillis, boolean online, long atMillis) {

  public static final String TYPING = "typing";
  public static final String PRESENCE = "presence";

  public static Signal typing(String conversationId, String userId, long untilMillis, long atMillis) {
    return new Signal(TYPING, conversationId, userId, untilMillis, false, atMillis);
  }

  public static Signal presence(String userId, boolean online, long lastSeenAtMillis) {
    return new Signal(PRESENCE, null, userId, 0, online, lastSeenAtMillis);
  }

  /** Why this signal breaks the contract, or null if it keeps it. */
  String problem() {
    if (TYPING.equals(event)) {
      return Ids.problemWithAny("conversationId", conversationId, "userId", userId);
    }
    if (PRESENCE.equals(event)) {
      return Ids.problemWithAny("userId", userId);
    }
    return "event must be " + TYPING + " or " + PRESENCE;
  }
}
