package dev.chatsync.sync.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsync.contracts.identity.Caller;
import dev.chatsync.sync.ack.DeviceCursors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

class SyncServiceTest {

  private final Caller bob = new Caller("bob", "phone");
  private final List<InboxEntry> entries = new ArrayList<>();
  private long lowWater;
  private long uncertainBelow;
  private Long head;
  private final Map<String, Long> cursors = new ConcurrentHashMap<>();
  private final Map<Long, Integer> askedVersions = new ConcurrentHashMap<>();
  private final DeviceCursors deviceCursors = new DeviceCursors() {
    @Override
    public Mono<Void> acknowledge(String userId, String deviceId, long upTo) {
      cursors.merge(userId + "/" + deviceId, upTo, Math::max);
      return Mono.empty();
    }

    @Override
    public Mono<Long> cursor(String userId, String deviceId) {
      return Mono.just(cursors.getOrDefault(userId + "/" + deviceId, 0L));
    }
  };
  private final InboxReader reader = new InboxReader() {
    @Override
    public Mono<InboxBounds> bounds(String userId) {
      return Mono.just(new InboxBounds(head != null ? head : entries.stream().mapToLong(InboxEntry::seq).max().orElse(0), lowWater,
          uncertainBelow));
    }

    @Override
    public Mono<List<InboxEntry>> entriesAfter(String userId, long after, long upTo, int limit) {
      return Mono.just(entries.stream().filter(e -> e.seq() > after && e.seq() <= upTo).limit(limit).toList());
    }

    @Override
    public Mono<Map<Long, Message>> messages(String conversationId, Map<Long, Integer> atLeast) {
      askedVersions.putAll(atLeast);
      // Later conversations answer faster, so a service that kept arrival order would reorder the page.
      return Mono.just(atLeast.keySet().stream().collect(java.util.stream.Collectors.toMap(seq -> seq, seq -> new Message(
              conversationId, seq, "m" + seq, "c" + seq, "alice", "text", "body " + seq + " v" + atLeast.get(seq), Instant.EPOCH,
              atLeast.get(seq), null, null, null))))
          .delayElement(java.time.Duration.ofMillis(conversationId.startsWith("slow") ? 40 : 1));
    }
  };
  /** The pages of these tests hold no channel-activity or added entry: nobody is made a watcher. */
  private final SyncService sync = new SyncService(reader, deviceCursors, (userId, servedHeads) -> Mono.empty());

  /**
   * A page holding a message and its update shows both in the update's state: a reader must not
   * answer the first entry from a memory of the message older than the change the page announces.
   */
  @Test
  void everyEntryOfAMessageShowsTheNewestVersionThePageAnnounces() {
    entries.add(new InboxEntry(1, "message", "conv", 7, "m7"));
    entries.add(new InboxEntry(2, "message-updated", "conv", 7, "m7", List.of("alice"), "edited", 2));
    entries.add(new InboxEntry(3, "message-updated", "conv", 7, "m7", List.of("alice"), "recalled", 3));
    entries.add(new InboxEntry(4, "message", "conv", 8, "m8"));

    SyncPage page = sync.sync(bob, SyncService.PageRequest.of(0L, 10)).block();

    assertThat(askedVersions).containsExactlyInAnyOrderEntriesOf(Map.of(7L, 3, 8L, 1));
    assertThat(page.entries()).extracting(SyncEntry::kind)
        .containsExactly("message", "message-updated", "message-updated", "message");
    assertThat(page.entries()).extracting(entry -> entry.message().version()).containsExactly(3, 3, 3, 1);
  }

  @Test
  void pagesAscendWithoutGapsAndTellWhereToGoOn() {
    for (long seq = 1; seq <= 5; seq++) {
      entries.add(new InboxEntry(seq, "message", "conv", seq, "m" + seq));
    }

    SyncPage first = sync.sync(bob, SyncService.PageRequest.of(0L, 2)).block();
    assertThat(first.entries()).extracting(SyncEntry::seq).containsExactly(1L, 2L);
    assertThat(first.entries()).extracting(e -> e.message().body()).containsExactly("body 1 v1", "body 2 v1");
    assertThat(first.nextAfter()).isEqualTo(2);
    assertThat(first.hasMore()).isTrue();

    SyncPage last = sync.sync(bob, SyncService.PageRequest.of(2L, 3)).block();
    assertThat(last.entries()).extracting(SyncEntry::seq).containsExactly(3L, 4L, 5L);
    assertThat(last.hasMore()).isFalse();

    SyncPage empty = sync.sync(bob, SyncService.PageRequest.of(5L, 3)).block();
    assertThat(empty.entries()).isEmpty();
    assertThat(empty.nextAfter()).isEqualTo(5);
  }

  @Test
  void aPageOfSeveralConversationsKeepsInboxOrderWhicheverReadAnswersFirst() {
    entries.add(new InboxEntry(1, "message", "slow", 7, "m7"));
    entries.add(new InboxEntry(2, "message", "fast", 1, "m1"));
    entries.add(new InboxEntry(3, "read", "slow", 7, null));
    entries.add(new InboxEntry(4, "message", "slow", 8, "m8"));
    entries.add(new InboxEntry(5, "message", "fast", 2, "m2"));

    SyncPage page = sync.sync(bob, SyncService.PageRequest.of(0L, 10)).block();

    assertThat(page.entries()).extracting(SyncEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(page.entries()).extracting(SyncEntry::conversationId).containsExactly("slow", "fast", "slow", "slow", "fast");
    assertThat(page.entries()).extracting(entry -> entry.message() == null ? null : entry.message().seq())
        .containsExactly(7L, 1L, null, 8L, 2L);
  }

  @Test
  void askingAfterXAcknowledgesXForTheCallingDevice() {
    for (long seq = 1; seq <= 3; seq++) {
      entries.add(new InboxEntry(seq, "message", "conv", seq, "m" + seq));
    }
    sync.sync(bob, SyncService.PageRequest.of(2L, 10)).block();
    sync.sync(bob, SyncService.PageRequest.of(1L, 10)).block();

    assertThat(deviceCursors.cursor("bob", "phone").block()).isEqualTo(2L);
    assertThat(deviceCursors.cursor("bob", "tablet").block()).isZero();
  }

  @Test
  void aCursorBelowTheLowWaterMarkIsA410WithTheHeadWhateverTheInboxHolds() {
    // Entries 1 and 2 expired; 3 to 5 are left.
    for (long seq = 3; seq <= 5; seq++) {
      entries.add(new InboxEntry(seq, "message", "conv", seq, "m" + seq));
    }
    lowWater = 2;

    assertExpired(0L, 5);
    assertExpired(1L, 5);
    assertThatThrownBy(() -> sync.sync(bob, SyncService.PageRequest.of(1L, 10)).block())
        .isInstanceOfSatisfying(ErrorResponseException.class, e -> assertThat(e.getBody().getProperties())
            .as("the inbox holds every entry after it").containsEntry("lowWaterSeq", 2L));
    assertThat(sync.sync(bob, SyncService.PageRequest.of(2L, 10)).block().entries()).hasSize(3);
  }

  @Test
  void belowTheMarksAMissingEntryExpired() {
    // Written before the inbox had marks, up to 4: 1 to 3 expired since.
    for (long seq = 4; seq <= 6; seq++) {
      entries.add(new InboxEntry(seq, "message", "conv", seq, "m" + seq));
    }
    uncertainBelow = 4;

    assertExpired(0L, 6);
    assertThat(sync.sync(bob, SyncService.PageRequest.of(3L, 10)).block().entries()).hasSize(3);
  }

  @Test
  void aCursorAboveTheHeadIsNeitherServedNorAcknowledged() {
    entries.add(new InboxEntry(1, "message", "conv", 1, "m1"));

    assertExpired(7L, 1);
    assertThat(deviceCursors.cursor("bob", "phone").block()).isZero();
  }

  @Test
  void aCursorAboveTheHeadComesFromBeforeARebuildAndIsA410() {
    entries.add(new InboxEntry(1, "message", "conv", 1, "m1"));

    assertExpired(7L, 1);
  }

  @Test
  void aPageStopsAtAnEntryNotWrittenYetAndTheNextPageHasIt() {
    // Seqs 1-5 allocated; 3 is still being written.
    for (long seq : new long[] {1, 2, 4, 5}) {
      entries.add(new InboxEntry(seq, "message", "conv", seq, "m" + seq));
    }

    SyncPage first = sync.sync(bob, SyncService.PageRequest.of(0L, 10)).block();
    assertThat(first.entries()).extracting(SyncEntry::seq).containsExactly(1L, 2L);
    assertThat(first.nextAfter()).isEqualTo(2);
    assertThat(first.hasMore()).isFalse();
    assertThat(sync.sync(bob, SyncService.PageRequest.of(2L, 10)).block().entries()).as("the hole itself is no 410").isEmpty();

    entries.add(2, new InboxEntry(3, "message", "conv", 3, "m3"));
    assertThat(sync.sync(bob, SyncService.PageRequest.of(2L, 10)).block().entries()).extracting(SyncEntry::seq)
        .containsExactly(3L, 4L, 5L);
  }

  private void assertExpired(Long after, long headSeq) {
    assertThatThrownBy(() -> sync.sync(bob, SyncService.PageRequest.of(after, 10)).block())
        .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
          assertThat(e.getStatusCode().value()).isEqualTo(410);
          assertThat(e.getBody().getType().toString()).endsWith("/cursor-expired");
          assertThat(e.getBody().getProperties()).containsEntry("headSeq", headSeq);
        });
  }

  @Test
  void refusesOutOfRangeParameters() {
    assertInvalid(-1L, 10, "after");
    assertInvalid(0L, 0, "limit");
    assertInvalid(0L, SyncService.MAX_LIMIT + 1, "limit");
  }

  private void assertInvalid(Long after, Integer limit, String field) {
    assertThatThrownBy(() -> SyncService.PageRequest.of(after, limit))
        .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
          assertThat(e.getStatusCode().value()).isEqualTo(400);
          assertThat(e.getBody().getProperties()).containsEntry("field", field);
        });
  }
}
