package dev.chatsync.message.member;

import dev.chatsync.contracts.Ids;
import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.contracts.web.Problems;
import dev.chatsync.message.MessageProperties;
import dev.chatsync.message.conversation.Conversation;
import dev.chatsync.message.conversation.ConversationService;
import dev.chatsync.message.conversation.ConversationType;
import dev.chatsync.message.member.MembershipAnnouncer.Change;
import dev.chatsync.message.timeline.MessageStore;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Adding and removing group members (API.md). Every step can be retried: a change that was made
 * but whose list update or inbox entry was lost is completed by the retry, and stage 2 skips an
 * entry it has (the membership version orders a user's changes, P2).
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
  /** Compare-and-set rounds before giving up on a member whose row keeps changing. */
  private static final int ATTEMPTS = 8;

  private final ConversationService conversations;
  private final MemberStore members;
  private final MessageStore messages;
  private final MembershipAnnouncer announcer;
  private final MessageProperties properties;
  private final Clock clock = Clock.systemUTC();

  MemberService(ConversationService conversations, MemberStore members, MessageStore messages, MembershipAnnouncer announcer,
      MessageProperties properties) {
    this.conversations = conversations;
    this.members = members;
    this.messages = messages;
    this.announcer = announcer;
    this.properties = properties;
  }

  /** Adds the users to the group (those who are members already stay as they are). */
  public Mono<Void> add(Caller caller, String conversationId, List<String> userIds) {
    Set<String> added;
    try {
      added = validUserIds(userIds);
    } catch (RuntimeException invalid) {
      return Mono.error(invalid);
    }
    return group(caller, conversationId).flatMap(conversation -> {
      long newcomers = added.stream().filter(user -> !conversation.members().contains(user)).count();
      if (conversation.members().size() + newcomers > properties.maxGroupMembers()) {
        return Mono.error(Problems.invalid("userIds", "would make the group larger than " + properties.maxGroupMembers()
            + " members"));
      }
      return Flux.fromIterable(added)
          .concatMap(user -> addOne(caller, conversationId, user, ATTEMPTS))
          .then();
    });
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
        return complete(caller, conversationId, userId, false, ATTEMPTS);
      }
      return group(caller, conversationId).flatMap(conversation -> {
        if (!self && !caller.userId().equals(conversation.creatorId())) {
          return Mono.error(Problems.forbidden("Only the group's creator removes other members."));
        }
        if (target.isEmpty()) {
          return Mono.error(Problems.notFound(userId + " is not a member of conversation " + conversationId + "."));
        }
        return removeOne(caller, conversationId, target.get(), ATTEMPTS);
      });
    });
  }

  private Mono<Void> addOne(Caller caller, String conversationId, String userId, int attemptsLeft) {
    if (attemptsLeft == 0) {
      return Mono.error(Problems.unavailable("The membership of " + userId + " kept changing; try again."));
    }
    return members.find(conversationId, userId).flatMap(found -> {
      if (found.isPresent() && found.get().isCurrent()) {
        return complete(caller, conversationId, userId, false, ATTEMPTS);
      }
      return head(conversationId).flatMap(head -> {
        Mono<Boolean> written = found.isEmpty()
            ? members.insert(conversationId, userId, head, clock.instant())
            : members.rejoin(conversationId, found.get(), head, clock.instant());
        int version = found.map(removed -> removed.version() + 1).orElse(1);
        return written.flatMap(applied -> applied
            ? settleJoin(conversationId, userId, version, head).then(complete(caller, conversationId, userId, true, ATTEMPTS))
            : addOne(caller, conversationId, userId, attemptsLeft - 1));
      });
    });
  }

  /**
   * The head may have grown between reading it and writing the member: stage 1 may have expanded
   * those messages without the new member. Moving the join point past them means the member is
   * promised only what stage 1 expands with them in view (no gap in their inbox, P4); they may
   * still get some of the messages sent during the add. If the member changed meanwhile, the
   * move does not apply, and the completion follows the newer change.
   */
  private Mono<Void> settleJoin(String conversationId, String userId, int version, long joinedSeq) {
    return head(conversationId).flatMap(now -> now <= joinedSeq
        ? Mono.<Void>empty()
        : members.moveJoined(conversationId, userId, version, now).then());
  }

  private Mono<Void> removeOne(Caller caller, String conversationId, MemberRecord member, int attemptsLeft) {
    if (!member.isCurrent()) {
      return complete(caller, conversationId, member.userId(), false, ATTEMPTS);
    }
    if (attemptsLeft == 0) {
      return Mono.error(Problems.unavailable("The membership of " + member.userId() + " kept changing; try again."));
    }
    // Messages up to the head were sent while they were a member: stage 1 still delivers them (P1).
    return head(conversationId).flatMap(head -> members.leave(conversationId, member, head).flatMap(applied -> applied
        ? complete(caller, conversationId, member.userId(), true, ATTEMPTS)
        : members.find(conversationId, member.userId()).flatMap(now -> now.isEmpty()
            ? Mono.<Void>empty()
            : removeOne(caller, conversationId, now.get(), attemptsLeft - 1))));
  }

  /**
   * The conversation list and the inbox entry follow the member row as it is now; a retry repeats
   * both. If the row changed while they were written (a concurrent add or remove), they are written
   * again from the newer row, so the last change's state is what stays in the list.
   *
   * @param changed whether this request changed the membership: only a change moves the
   *     conversation up the user's list
   */
  private Mono<Void> complete(Caller caller, String conversationId, String userId, boolean changed, int attemptsLeft) {
    return members.find(conversationId, userId).flatMap(found -> {
      if (found.isEmpty()) {
        return Mono.<Void>empty();
      }
      MemberRecord member = found.get();
      Mono<Void> listed = member.isCurrent()
          ? members.list(userId, conversationId, member.joinedSeq(), changed ? clock.instant() : null)
          : members.unlist(userId, conversationId, member.leftSeq());
      Change change = member.isCurrent() ? Change.ADDED : Change.REMOVED;
      long atSeq = member.isCurrent() ? member.joinedSeq() : member.leftSeq();
      return listed
          .then(announcer.announce(userId, conversationId, change, atSeq, caller.userId(), member.version()))
          .then(members.find(conversationId, userId))
          .flatMap(now -> now.equals(found) || attemptsLeft == 1
              ? Mono.<Void>empty()
              : complete(caller, conversationId, userId, true, attemptsLeft - 1));
    });
  }

  /** The group, if the caller is one of its members. */
  private Mono<Conversation> group(Caller caller, String conversationId) {
    return conversations.memberOf(caller, conversationId).flatMap(conversation -> conversation.type() == ConversationType.GROUP
        ? Mono.just(conversation)
        : Mono.error(Problems.conflict("A direct conversation always has its two members.")));
  }

  private Mono<Long> head(String conversationId) {
    return messages.head(conversationId).defaultIfEmpty(0L);
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
