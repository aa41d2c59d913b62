package dev.chatsync.message.member;

import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.member.MembershipAnnouncer.Change;
import dev.chatsync.message.sweep.ChangeFinisher;
import dev.chatsync.message.sweep.ChangeKind;
import dev.chatsync.message.timeline.MessageStore;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Everything a membership change does after its member row is written, in order: settle the join
 * point of an add, write the conversation list row, announce the membership entry, mark the change
 * completed. Each step is idempotent and follows the member row as it is now, so the request that
 * made the change, a retry of it and the sweeper ({@link ChangeFinisher}) all finish it the same
 * way, and a change that overtook another is what ends up in the list.
 */
@Component
class MembershipCompletion implements ChangeFinisher {

  /** Rounds before giving up (503) on a member whose row keeps changing while it is completed. */
  private static final int ATTEMPTS = 8;
  /** List rows and entries a request writes at once. */
  private static final int LISTED_AT_ONCE = 16;

  private final MemberStore members;
  private final MessageStore messages;
  private final MembershipAnnouncer announcer;
  private final Clock clock = Clock.systemUTC();

  MembershipCompletion(MemberStore members, MessageStore messages, MembershipAnnouncer announcer) {
    this.members = members;
    this.messages = messages;
    this.announcer = announcer;
  }

  @Override
  public ChangeKind kind() {
    return ChangeKind.MEMBERSHIP;
  }

  /** The sweeper's entry: finishes the change only if its markers say something is left. */
  @Override
  public Mono<Void> finish(String conversationId, String userId) {
    return members.findCommitted(conversationId, userId).flatMap(found -> found.isPresent() && found.get().unfinished()
        ? complete(conversationId, found, true, ATTEMPTS)
        : Mono.empty());
  }

  /**
   * Completes the member's last change (a request that made one, or a retry, which repeats the list
   * row and the entry: stage 2 keeps one entry a version, P2).
   *
   * @param changed whether the caller changed the membership: a change moves the conversation up
   *     the user's list; so does completing one that was left unfinished
   * @return empty once the change is complete; a 503 if the row kept changing through every round
   */
  Mono<Void> complete(String conversationId, String userId, boolean changed) {
    return members.find(conversationId, userId).flatMap(found -> complete(conversationId, found, changed, ATTEMPTS));
  }

  private Mono<Void> complete(String conversationId, Optional<MemberRecord> found, boolean changed, int attemptsLeft) {
    if (found.isEmpty()) {
      return Mono.empty();
    }
    if (attemptsLeft == 0) {
      // Not known to be complete: the client retries, the sweeper tries again (it saw an error).
      return Mono.error(Problems.unavailable("The membership of " + found.get().userId() + " kept changing; try again."));
    }
    MemberRecord member = found.get();
    if (member.joinUnsettled()) {
      // Before the list and the entry: both carry the join point.
      return settle(conversationId, List.of(member)).then(members.find(conversationId, member.userId()))
          .flatMap(now -> complete(conversationId, now, true, attemptsLeft - 1));
    }
    // Marked only if the row is still at this version; else the newer change is completed too. Its
    // list row wins over this one's whatever the order they land in (stamped with their versions).
    // A repeat of a change marked completed already costs no Paxos round.
    Mono<Boolean> mark = member.unfinished() ? members.markCompleted(conversationId, List.of(member)) : Mono.just(true);
    return listAndAnnounce(conversationId, member, changed || member.unfinished())
        .then(mark)
        .flatMap(marked -> marked
            ? Mono.<Void>empty()
            : members.find(conversationId, member.userId()).flatMap(now -> complete(conversationId, now, true, attemptsLeft - 1)));
  }

  /**
   * Completes the changes of users who are current members, together: the same steps as
   * {@link #complete}, each one conditional batch for them all, so that a page of 100 newcomers
   * costs three Paxos rounds, not three hundred. Should any of them have changed meanwhile (a
   * concurrent removal, a retry or the sweeper completing one first), they are completed one at a
   * time instead, which is always right: every step is idempotent and follows the member's row as
   * it is then.
   */
  Mono<Void> completeAll(String conversationId, List<String> userIds) {
    return members.findAll(conversationId, userIds)
        .flatMap(found -> {
          if (!all(found, userIds, MemberRecord::isCurrent)) {
            return Mono.just(false);
          }
          List<MemberRecord> unsettled = found.values().stream().filter(MemberRecord::joinUnsettled).toList();
          return unsettled.isEmpty() ? Mono.just(true) : settle(conversationId, unsettled);
        })
        .flatMap(settled -> settled ? members.findAll(conversationId, userIds) : Mono.just(Map.<String, MemberRecord>of()))
        .flatMap(found -> {
          if (!all(found, userIds, member -> member.isCurrent() && !member.joinUnsettled())) {
            return Mono.just(false);
          }
          List<MemberRecord> unfinished = found.values().stream().filter(MemberRecord::unfinished).toList();
          return Flux.fromIterable(found.values())
              .flatMap(member -> listAndAnnounce(conversationId, member, member.unfinished()), LISTED_AT_ONCE)
              .then(unfinished.isEmpty() ? Mono.just(true) : members.markCompleted(conversationId, unfinished));
        })
        .flatMap(completed -> completed
            ? Mono.<Void>empty()
            // Not "changed": a change this request made and did not see completed is unfinished, which moves the list too.
            : Flux.fromIterable(userIds).concatMap(userId -> complete(conversationId, userId, false)).then());
  }

  private static boolean all(Map<String, MemberRecord> found, List<String> userIds, Predicate<MemberRecord> test) {
    return found.size() == userIds.size() && found.values().stream().allMatch(test);
  }

  /** The conversation list row and the membership entry, both as the member's row says now. */
  private Mono<Void> listAndAnnounce(String conversationId, MemberRecord member, boolean active) {
    Mono<Void> listed = member.isCurrent()
        ? members.list(conversationId, member, active ? clock.instant() : null)
        : members.unlist(conversationId, member);
    Change change = member.isCurrent() ? Change.ADDED : Change.REMOVED;
    long atSeq = member.isCurrent() ? member.joinedSeq() : member.leftSeq();
    return listed.then(announcer.announce(member.userId(), conversationId, change, atSeq, member.actor(), member.version()));
  }

  /**
   * The head may have grown between the add's read of it and its write of the member row: stage 1
   * may have expanded those messages without the new member (it reads the members after the
   * messages). Any head read after the row was written is safe: every later message is expanded
   * with the member in view. Moving the join point there promises the member only what stage 1
   * delivers to them (P1, P4, P6); they may still get some messages sent during the add. Runs once
   * per version (compare-and-set on settled_version), even if the request died after the insert
   * and a retry or the sweeper settles it long after.
   */
  private Mono<Boolean> settle(String conversationId, Collection<MemberRecord> unsettled) {
    return messages.head(conversationId).defaultIfEmpty(0L).flatMap(head -> members.settle(conversationId, unsettled, head));
  }
}
