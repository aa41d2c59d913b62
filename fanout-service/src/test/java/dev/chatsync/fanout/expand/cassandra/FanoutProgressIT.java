package dev.chatsync.fanout.expand.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chatsync.fanout.FanoutIntegrationTest;
import dev.chatsync.fanout.expand.FanoutProgress;
import dev.chatsync.fanout.expand.FanoutProgress.Position;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Stage 1's progress is a plain write: two expanders of one conversation (one stalled through a
 * rebalance) must still leave the furthest progress, in whatever order their writes land (P1).
 */
@FanoutIntegrationTest
class FanoutProgressIT {

  @Autowired CqlSession cql;
  @Autowired FanoutProgress progress;

  private final String conversation = "progress-" + UUID.randomUUID();

  @Test
  void aStalledExpandersLateWriteMovesNothingBack() {
    Position stalled = progress.advance(conversation, progress.at(conversation), 10);
    // Its successor read 10 and went on to 30; the stalled one wakes and records 20.
    progress.advance(conversation, progress.at(conversation), 30);
    progress.advance(conversation, stalled, 20);

    assertThat(progress.fanned(conversation)).isEqualTo(30);
  }

  @Test
  void aRewindStandsAgainstEveryEarlierWriteAndLaterOnesGoOnFromIt() {
    Position stalled = progress.advance(conversation, progress.at(conversation), 50);
    progress.advance(conversation, progress.at(conversation), 60);

    assertThat(progress.rewind(conversation, 5)).isEqualTo(5);
    progress.advance(conversation, stalled, 55);
    assertThat(progress.fanned(conversation)).isEqualTo(5);

    progress.advance(conversation, progress.at(conversation), 7);
    assertThat(progress.fanned(conversation)).isEqualTo(7);
    assertThat(progress.rewind(conversation, 9)).as("a rewind never moves forward").isEqualTo(7);
  }

  @Test
  void aProgressWrittenByTheClockIsOvertakenByTheNextAdvance() {
    cql.execute("UPDATE fanout_progress SET fanned_seq = 40 WHERE conversation_id = ?", conversation);

    progress.advance(conversation, progress.at(conversation), 41);

    assertThat(progress.fanned(conversation)).isEqualTo(41);
  }
}
