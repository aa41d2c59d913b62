package dev.chatsync.message.member;

import dev.chatsync.contracts.Ids;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.conversation.ConversationSummary;
import dev.chatsync.message.conversation.ConversationService;
import dev.chatsync.message.conversation.ConversationType;
import dev.chatsync.message.member.MemberStore.Count;
import dev.chatsync.message.sweep.ChangeJournal;
import dev.chatsync.message.sweep.ChangeJournal.Deadline;
import dev.chatsync.message.sweep.ChangeKind;
import dev.chatsync.message.timeline.MessageStore;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Adding and removing group members (docs/api.md). A change is noted for the sweeper, then made by one
 * conditional write of the member row and the member count (of all the rows, for a page of users
 * who were never members), then completed ({@link MembershipCompletion}). A request that dies anywhere after the note leaves a change that
 * its retry or the sweeper finishes (docs/design.md, the faults); stage 2 skips a repeated entry by the
 * membership version (P2).
 *
 * <p>Where a change falls in the conversation is a seq: an added member sees the messages after
 * joinedSeq, a removed one gets none after leftSeq (P6). Fanout stage 1 reads the members after
 * it reads the messages it expands, so a message appended after a membership write is expanded
 * with that write in view.
 */
@Service
public class MemberService {

  /** The most users one request adds (P7). */
  static final int MAX_ADDED_PER_REQUEST = 100;
  /** Compare-and-set rounds before giving up on a member (or a member count) that keeps changing. */
  private static final int ATTEMPTS = 16;
  /** Sweeper notes a request writes at once. */
  private static final int NOTED_AT_ONCE = 16;

  private final ConversationService conversations;
  private final MemberStore members;
  private final MessageStore messages;
  private final MembershipCompletion completion;
  private final EarlierSpans earlierSpans;
  private final ChangeJournal journal;
  private final MessageProperties properties;
  private final Clock clock = Clock.systemUTC();

  MemberService(ConversationService conversations, MemberStore members, MessageStore messages, MembershipCompletion completion,
      EarlierSpans earlierSpans, ChangeJournal journal, MessageProperties properties) {
    this.conversations = conversations;
    this.members = members;
    this.messages = messages;
    this.completion = completion;
    this.earlierSpans = earlierSpans;
    this.journal = journal;
    this.properties = properties;
  }

  /**
   * Adds the users to the group (those who are members already stay as they are). A request that
   * would pass the cap is refused whole; when concurrent adds fill the group first, the users not
   * added yet are refused with the same 400 (those added stay: a retry repeats them).
   */
  public Mono<Void> add(Caller caller, String conversationId, List<String> userIds) {
    Set<String> added;
    try {
      added = validUserIds(userIds);
    } catch (RuntimeException invalid) {
      return Mono.error(invalid);
    }
    // The cap checked for the whole request first, from the count and the added users' own rows
    // (never the group's member list: it may have 100,000 members); each write then checks it
    // again under its compare-and-set.
    return group(caller, conversationId).flatMap(conversation -> members.findAll(conversationId, added).flatMap(found -> {
      long alreadyMembers = found.values().stream().filter(MemberRecord::isCurrent).count();
      // A kept count that the newcomers would take past the cap is counted again first (see count).
      return count(conversationId, (int) (added.size() - alreadyMembers)).flatMap(count -> {
        if (count.next() > properties.maxGroupMembers()) {
          return Mono.error(tooLarge());
        }
        List<String> newcomers = added.stream().filter(user -> !found.containsKey(user)).toList();
        List<String> current = added.stream().filter(user -> found.containsKey(user) && found.get(user).isCurrent()).toList();
        List<String> removed = added.stream().filter(user -> found.containsKey(user) && !found.get(user).isCurrent()).toList();
        // Those current already first: what a request that died left of their adds is noted again
        // and finished, whatever becomes of this request's own writes.
        return repeatAdded(conversationId, current, found)
            .then(addNewcomers(caller, conversationId, newcomers))
            .then(Flux.fromIterable(removed).concatMap(user -> addOne(caller, conversationId, user)).then());
      });
    }));
  }

  /**
   * Users who were never members, added by one conditional write and completed together: a page
   * of 100 costs a few Paxos rounds, not a few hundred, which is what lets a group grow to
   * 100,000 through the API. Each is noted for the sweeper first, as one change of their own
   * (P1: a request that dies leaves each of them finishable alone).
   */
  private Mono<Void> addNewcomers(Caller caller, String conversationId, List<String> newcomers) {
    return newcomers.isEmpty()
        ? Mono.empty()
        : note(conversationId, newcomers).reduce(Deadline::earlier)
            .flatMap(deadline -> insertNewcomers(caller, conversationId, newcomers, deadline, ATTEMPTS));
  }

  private Mono<Void> insertNewcomers(Caller caller, String conversationId, List<String> newcomers, Deadline deadline,
      int attemptsLeft) {
    if (newcomers.isEmpty()) {
      return Mono.empty();
    }
    if (attemptsLeft == 0) {
      return Mono.error(Problems.unavailable("The group's membership kept changing; try again."));
    }
    return Mono.zip(head(conversationId), count(conversationId, newcomers.size())).flatMap(both -> {
      if (both.getT2().next() > properties.maxGroupMembers()) {
        return Mono.error(tooLarge());
      }
      return deadline.before(() -> members.insert(conversationId, newcomers, both.getT1(), clock.instant(), caller.userId(),
          both.getT2()));
    }).flatMap(applied -> applied
        ? completion.completeAll(conversationId, newcomers)
        // Lost to another change: the count moved (any add or removal in the group), or one of them
        // was added meanwhile. Those still never members try again together, the others one at a time.
        : members.findAll(conversationId, newcomers).flatMap(found -> insertNewcomers(caller, conversationId,
                newcomers.stream().filter(user -> !found.containsKey(user)).toList(), deadline, attemptsLeft - 1)
            .then(Flux.fromIterable(newcomers).filter(found::containsKey)
                .concatMap(user -> addOne(caller, conversationId, user)).then())));
  }

  /**
   * Users who are members already: each change a request that died left unfinished is noted again
   * (as {@link #repeat} does), then all are completed together; a complete one is only repeated.
   */
  private Mono<Void> repeatAdded(String conversationId, List<String> current, Map<String, MemberRecord> found) {
    if (current.isEmpty()) {
      return Mono.empty();
    }
    List<String> unfinished = current.stream().filter(user -> found.get(user).unfinished()).toList();
    return note(conversationId, unfinished).then(completion.completeAll(conversationId, current));
  }

  private Flux<Deadline> note(String conversationId, List<String> userIds) {
    return Flux.fromIterable(userIds).flatMap(user -> journal.begin(ChangeKind.MEMBERSHIP, conversationId, user), NOTED_AT_ONCE);
  }

  /** Removes the user: a member may remove themself, the group's creator anyone. */
  public Mono<Void> remove(Caller caller, String conversationId, String userId) {
    String problem = Ids.problemWith(userId);
    if (problem != null) {
      return Mono.error(Problems.invalid("userId", problem));
    }
    boolean self = caller.userId().equals(userId);
    return members.find(conversationId, userId).flatMap(target -> {
      // A retry of one's own removal finds the caller removed already: it completes, not 403.
      if (self && target.isPresent() && !target.get().isCurrent()) {
        return repeat(conversationId, target.get());
      }
      return group(caller, conversationId).flatMap(conversation -> {
        if (!self && !caller.userId().equals(conversation.creatorId())) {
          return Mono.error(Problems.forbidden("Only the group's creator removes other members."));
        }
        if (target.isEmpty()) {
          return Mono.error(Problems.notFound(userId + " is not a member of conversation " + conversationId + "."));
        }
        if (!target.get().isCurrent()) {
          return repeat(conversationId, target.get());
        }
        return journal.begin(ChangeKind.MEMBERSHIP, conversationId, userId)
            .flatMap(deadline -> removeOne(caller, conversationId, target.get(), deadline, ATTEMPTS));
      });
    });
  }

  private Mono<Void> addOne(Caller caller, String conversationId, String userId) {
    return members.find(conversationId, userId).flatMap(found -> found.isPresent() && found.get().isCurrent()
        ? repeat(conversationId, found.get())
        : journal.begin(ChangeKind.MEMBERSHIP, conversationId, userId)
            .flatMap(deadline -> addAttempt(caller, conversationId, userId, found, deadline, ATTEMPTS)));
  }

  /**
   * A change that is made already: a repeat, or the retry of a request that died, which finishes
   * what is left (settling an add's join point included). Noted again if something is left, so
   * that the sweeper still finishes it should this request die too, however old the change is.
   */
  private Mono<Void> repeat(String conversationId, MemberRecord member) {
    Mono<Void> noted = member.unfinished()
        ? journal.begin(ChangeKind.MEMBERSHIP, conversationId, member.userId()).then()
        : Mono.empty();
    return noted.then(completion.complete(conversationId, member.userId(), false));
  }

  private Mono<Void> addAttempt(Caller caller, String conversationId, String userId, Optional<MemberRecord> found,
      Deadline deadline, int attemptsLeft) {
    if (found.isPresent() && found.get().isCurrent()) {
      return completion.complete(conversationId, userId, false);
    }
    if (attemptsLeft == 0) {
      return Mono.error(Problems.unavailable("The membership of " + userId + " kept changing; try again."));
    }
    return Mono.zip(head(conversationId), count(conversationId, +1)).flatMap(both -> {
      long head = both.getT1();
      Count count = both.getT2();
      if (count.next() > properties.maxGroupMembers()) {
        return Mono.error(tooLarge());
      }
      Mono<Boolean> written = found.isEmpty()
          ? deadline.before(() -> members.insert(conversationId, List.of(userId), head, clock.instant(), caller.userId(), count))
          : withEndedSpan(conversationId, found.get()).flatMap(spans -> deadline.before(() ->
              members.rejoin(conversationId, found.get(), head, clock.instant(), caller.userId(), spans, count)));
      return written.flatMap(applied -> applied
          ? completion.complete(conversationId, userId, true)
          : members.find(conversationId, userId)
              .flatMap(now -> addAttempt(caller, conversationId, userId, now, deadline, attemptsLeft - 1)));
    });
  }

  /** The earlier spans a rejoin keeps: the one that just ended, and those a fanout may still need. */
  private Mono<Map<Long, Long>> withEndedSpan(String conversationId, MemberRecord removed) {
    Map<Long, Long> spans = new HashMap<>(removed.earlierSpans());
    spans.put(removed.joinedSeq(), removed.leftSeq());
    return earlierSpans.kept(conversationId, spans);
  }

  private Mono<Void> removeOne(Caller caller, String conversationId, MemberRecord member, Deadline deadline, int attemptsLeft) {
    if (!member.isCurrent()) {
      return completion.complete(conversationId, member.userId(), false);
    }
    if (attemptsLeft == 0) {
      return Mono.error(Problems.unavailable("The membership of " + member.userId() + " kept changing; try again."));
    }
    // Messages up to the head were sent while they were a member: stage 1 still delivers them (P1).
    return Mono.zip(head(conversationId), count(conversationId, -1))
        .flatMap(both -> deadline.before(() -> members.leave(conversationId, member, both.getT1(), caller.userId(), both.getT2())))
        .flatMap(applied -> applied
            ? completion.complete(conversationId, member.userId(), true)
            : members.find(conversationId, member.userId()).flatMap(now -> now.isEmpty()
                ? Mono.<Void>empty()
                : removeOne(caller, conversationId, now.get(), deadline, attemptsLeft - 1)));
  }

  /**
   * The member count a change moves by {@code delta}. A conversation whose count is not kept yet
   * (created before it existed, or never changed since) is counted row by row; the change's batch
   * then sets it only if it is still not kept, so two first changes cannot both count. So is a
   * count that cannot be right (below zero, or past the cap, after changes made by code from before
   * the count: V004), under the condition that it is still what was read: a count that drifted is
   * never taken below zero, and never refuses an add the group has room for.
   */
  private Mono<Count> count(String conversationId, int delta) {
    return members.memberCount(conversationId).flatMap(kept -> {
      if (kept.isPresent() && plausible(kept.getAsInt() + delta)) {
        return Mono.just(new Count(kept.getAsInt(), kept.getAsInt() + delta));
      }
      Integer expected = kept.isPresent() ? kept.getAsInt() : null;
      // Below zero only if the changed member's row changed meanwhile: then the batch does not apply.
      return members.countMembers(conversationId).map(counted -> new Count(expected, Math.max(0, counted + delta)));
    });
  }

  private boolean plausible(int count) {
    return count >= 0 && count <= properties.maxGroupMembers();
  }

  /** The group, if the caller is one of its members. */
  private Mono<ConversationSummary> group(Caller caller, String conversationId) {
    return conversations.memberOf(caller, conversationId).flatMap(conversation -> conversation.type() == ConversationType.GROUP
        ? Mono.just(conversation)
        : Mono.error(Problems.conflict("A direct conversation always has its two members.")));
  }

  private Mono<Long> head(String conversationId) {
    return messages.head(conversationId).defaultIfEmpty(0L);
  }

  private RuntimeException tooLarge() {
    return Problems.invalid("userIds", "would make the group larger than " + properties.maxGroupMembers() + " members");
  }

  private static Set<String> validUserIds(List<String> userIds) {
    if (userIds == null || userIds.isEmpty()) {
      throw Problems.invalid("userIds", "must name at least one user");
    }
    if (userIds.size() > MAX_ADDED_PER_REQUEST) {
      throw Problems.invalid("userIds", "must name at most " + MAX_ADDED_PER_REQUEST + " users");
    }
    Set<String> valid = new LinkedHashSet<>();
    for (int i = 0; i < userIds.size(); i++) {
      String problem = Ids.problemWith(userIds.get(i));
      if (problem != null) {
        throw Problems.invalid("userIds[" + i + "]", problem);
      }
      valid.add(userIds.get(i));
    }
    return valid;
  }
}
