package dev.chatsync.fanout.expand;

import dev.chatsync.fanout.ProgressStamps;
import java.time.Instant;

/**
 * How far stage 1 has expanded each conversation. A plain write, stamped with the progress it
 * records ({@link ProgressStamps}): the furthest write stands whatever order writes land in, so an
 * expander that stalled while another took the conversation over moves nothing back, and no
 * write pays a consensus round.
 */
public interface FanoutProgress {

  /**
   * A conversation's progress and the generation it was written in.
   *
   * @param seq every message up to here was handed to stage 2; 0 if none
   * @param base the generation: a write of this generation that moves the progress to {@code s}
   *     carries the timestamp {@code base + s}; a rewind starts a higher one
   * @param readFanout how the messages up to {@code seq} were handed over: by read fanout (a
   *     channel-activity entry to the members to be told, and live pushes), else an entry per member
   */
  record Position(long seq, long base, boolean readFanout) {

    public static final Position NONE = new Position(0, ProgressStamps.BASE, false);

    public Position(long seq, long base) {
      this(seq, base, false);
    }

    public long timestamp() {
      return base + seq;
    }

    public Position to(long seq) {
      return new Position(seq, base, readFanout);
    }

    public Position to(long seq, boolean readFanout) {
      return new Position(seq, base, readFanout);
    }
  }

  /** The seq up to which every message of the conversation was handed to stage 2; 0 if none. */
  default long fanned(String conversationId) {
    return at(conversationId).seq();
  }

  Position at(String conversationId);

  /**
   * Records that every message up to {@code seq} was handed to stage 2, going on from {@code from}
   * (as read, or as this expander last wrote it). If a further progress was written meanwhile, by
   * this generation, it stands.
   *
   * @return the position this write recorded
   */
  default Position advance(String conversationId, Position from, long seq) {
    return advance(conversationId, from, seq, from.readFanout());
  }

  /** As {@link #advance(String, Position, long)}, recording how the messages up to {@code seq} were handed over. */
  Position advance(String conversationId, Position from, long seq, boolean readFanout);

  /** When stage 1 last told every member of the read-fanout group, or null if never. */
  Instant toldEveryoneAt(String conversationId);

  /** Records that stage 1 told every member of the read-fanout group at {@code at}. */
  void toldEveryone(String conversationId, Instant at);

  /**
   * Where a read-fanout group stands between rounds (V011).
   *
   * @param nextAt when stage 1 may tell it next; null if never written
   * @param liveSeq the newest seq stage 1 published live; 0 if none
   */
  record Pause(Instant nextAt, long liveSeq) {}

  Pause pause(String conversationId);

  /**
   * Records when stage 1 may tell the read-fanout group next: until then its progress is behind
   * its timeline by design, and the republisher leaves it to the reminder.
   */
  void nextRound(String conversationId, Instant at);

  /** Records that every message of the read-fanout group up to {@code seq} was published live; the furthest stands. */
  void publishedLive(String conversationId, long seq);

  /**
   * Moves the progress back to {@code seq} if it is past it, for a recovery that expands again
   * (only while no stage 1 runs), by starting a new generation whose timestamps are above every
   * earlier write's. Never forward: that would skip messages stage 1 has not expanded. The mode is
   * reset to write fanout, so a large group's next round tells every member, not only its watchers.
   *
   * @return the progress as it is now
   */
  long rewind(String conversationId, long seq);
}
