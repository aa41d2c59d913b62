package dev.chatsync.sync.presence;

import dev.chatsync.contracts.Ids;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.sync.signal.PresenceEvent;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** {@code GET /presence} and the user's presence setting. */
@Service
public class PresenceService {

  public static final int MAX_USERS = 100;

  private final PresenceStore store;
  private final PresenceAnnouncer announcer;
  private final Clock clock = Clock.systemUTC();

  PresenceService(PresenceStore store, PresenceAnnouncer announcer) {
    this.store = store;
    this.announcer = announcer;
  }

  /**
   * The users' presence, in the order asked. Only the caller's direct-conversation partners (and the
   * caller) are shown as they are: anyone else, and a user who hides it, is offline with no last-seen
   * time, so nobody can watch a stranger come and go.
   */
  public Mono<List<PresenceEvent>> of(String callerId, String userIds) {
    Set<String> asked = parse(userIds);
    return store.partnersAmong(callerId, asked).flatMap(partners -> {
      Set<String> visible = new LinkedHashSet<>(partners);
      if (asked.contains(callerId)) {
        visible.add(callerId);
      }
      return store.of(visible).map(found -> asked.stream().map(userId -> {
        PresenceStore.Stored stored = found.getOrDefault(userId, PresenceStore.Stored.UNKNOWN);
        return stored.hidden() || !visible.contains(userId) ? new PresenceEvent(userId, false, null)
            : new PresenceEvent(userId, stored.online(), stored.lastSeenAt());
      }).toList());
    });
  }

  /** Shows or hides the user's presence; the partners learn the change (offline, or as it is). */
  public Mono<Void> show(String userId, boolean shown) {
    if (!shown) {
      // Told before hiding: afterwards no event of this user leaves.
      return announcer.announceOffline(userId, clock.instant()).then(store.hide(userId, true));
    }
    return store.hide(userId, false).then(announcer.announce(userId, clock.instant()));
  }

  public Mono<Boolean> shown(String userId) {
    return store.of(List.of(userId)).map(found -> !found.get(userId).hidden());
  }

  private static Set<String> parse(String userIds) {
    if (userIds == null || userIds.isBlank()) {
      throw Problems.invalid("userIds", "must name 1 to " + MAX_USERS + " users, comma-separated");
    }
    Set<String> parsed = new LinkedHashSet<>(Arrays.asList(userIds.split(",", -1)));
    if (parsed.size() > MAX_USERS) {
      throw Problems.invalid("userIds", "must name at most " + MAX_USERS + " users, named " + parsed.size());
    }
    for (String userId : parsed) {
      String problem = Ids.problemWith(userId);
      if (problem != null) {
        throw Problems.invalid("userIds", "'" + userId + "' " + problem);
      }
    }
    return parsed;
  }
}
