package dev.chatsync.fanout.expand.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.contracts.WatchStamps;
import dev.chatsync.fanout.FanoutIntegrationTest;
import dev.chatsync.fanout.expand.ChannelWatchers;
import dev.chatsync.fanout.expand.ChannelWatchers.Watcher;
import dev.chatsync.fanout.expand.FanoutProgress;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Watcher rows are written stamped with the head a device was served and deleted stamped with the
 * head told, never by a clock: a member with no unseen entry stays a watcher whatever order the
 * writes land in (P1). Each case here lost a watcher when the delete used the write time it read.
 */
@FanoutIntegrationTest
class ChannelWatchersIT {

  @Autowired CqlSession cql;
  @Autowired ChannelWatchers watchers;
  @Autowired FanoutProgress progress;

  private final String conversation = "watchers-" + UUID.randomUUID();

  /** A round that tells a head again (a crash before its progress moved) takes off nobody served that head. */
  @Test
  void tellingAHeadAgainKeepsTheMembersServedIt() {
    served("bob", 5);
    watchers.told(conversation, watchers.of(conversation), 5);
    assertThat(watchers.of(conversation)).containsExactly(new Watcher("bob", 5));

    watchers.told(conversation, watchers.of(conversation), 6);
    assertThat(watchers.of(conversation)).isEmpty();
  }

  /**
   * Two devices served two heads, their writes landing in the wrong order (a slow write, or a
   * host whose clock is ahead): the newer head stands, and a tell of the older one's successor
   * cannot take off a member served a head at or above it.
   */
  @Test
  void theNewestHeadServedStandsWhateverOrderTheWritesLandIn() {
    served("bob", 7);
    served("bob", 4);
    assertThat(watchers.of(conversation)).containsExactly(new Watcher("bob", 7));
    watchers.told(conversation, watchers.of(conversation), 7);
    assertThat(watchers.of(conversation)).containsExactly(new Watcher("bob", 7));

    // Told 8 (stage 2 writes it to bob's inbox); a device served 6 late changes nothing: bob has 8 unseen.
    watchers.told(conversation, watchers.of(conversation), 8);
    served("bob", 6);
    assertThat(watchers.of(conversation)).isEmpty();
    served("bob", 8);
    assertThat(watchers.of(conversation)).containsExactly(new Watcher("bob", 8));
  }

  /** A rewind for a recovery makes the next round of a large group tell every member (P8). */
  @Test
  void aRewindMakesTheNextRoundTellEveryone() {
    progress.advance(conversation, progress.at(conversation), 20, true);
    assertThat(progress.at(conversation).readFanout()).isTrue();
    progress.rewind(conversation, 5);
    assertThat(progress.at(conversation).seq()).isEqualTo(5);
    assertThat(progress.at(conversation).readFanout()).isFalse();

    // Also when the progress is not past the rewind's seq (messages after it waiting for their interval).
    progress.advance(conversation, progress.at(conversation), 8, true);
    progress.rewind(conversation, 9);
    assertThat(progress.at(conversation)).extracting(FanoutProgress.Position::seq, FanoutProgress.Position::readFanout)
        .containsExactly(8L, false);
  }

  /** As sync-service writes it when it serves the user the group's entry up to {@code head}. */
  private void served(String userId, long head) {
    cql.execute("INSERT INTO channel_watchers (conversation_id, user_id, watching_since) VALUES (?, ?, ?) USING TIMESTAMP ?",
        conversation, userId, Instant.now(), WatchStamps.served(head));
  }
}
