package dev.chatsync.fanout.push;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most one notification per device and conversation per {@code chat.push.coalesce}. The first
 * of a quiet interval goes at once, and the caller waits for it (P1 for pushes: the record that
 * caused it is committed only after). One that comes within the interval waits for its end,
 * replaced by any later one, and goes alone: it carries the newest unread count. A shutdown sends
 * the waiting ones first; a crash loses them, never an interval's first: the device was told of the
 * conversation.
 */
final class PushCoalescer {

  private static final Logger log = LoggerFactory.getLogger(PushCoalescer.class);

  private record Key(String userId, String deviceId, String conversationId) {}

  /** A key's interval: when it began, and the notification waiting for its end, if any. */
  private static final class Window {
    long startedAtMillis;
    PushTarget waitingTarget;
    Notification waiting;
  }

  private final long intervalMillis;
  private final BiFunction<PushTarget, Notification, CompletableFuture<?>> send;
  private final Map<Key, Window> windows = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "push-coalesce");
    thread.setDaemon(true);
    return thread;
  });

  PushCoalescer(long intervalMillis, BiFunction<PushTarget, Notification, CompletableFuture<?>> send) {
    this.intervalMillis = intervalMillis;
    this.send = send;
  }

  /** Sends now (the returned future completes when it was sent) or later (completes at once). */
  CompletableFuture<?> offer(PushTarget target, Notification notification, long nowMillis) {
    Key key = new Key(target.userId(), target.deviceId(), notification.conversationId());
    boolean[] now = {false};
    long[] flushAt = {-1};
    windows.compute(key, (k, window) -> {
      if (window == null || nowMillis - window.startedAtMillis >= intervalMillis) {
        Window fresh = new Window();
        fresh.startedAtMillis = nowMillis;
        now[0] = true;
        return fresh;
      }
      if (window.waiting == null) {
        flushAt[0] = window.startedAtMillis + intervalMillis;
      }
      window.waiting = notification;
      window.waitingTarget = target;
      return window;
    });
    if (now[0]) {
      return send.apply(target, notification);
    }
    if (flushAt[0] >= 0) {
      timer.schedule(() -> flush(key), Math.max(0, flushAt[0] - nowMillis), TimeUnit.MILLISECONDS);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** The interval ended: its waiting notification goes and starts the next one. */
  private CompletableFuture<?> flush(Key key) {
    Notification[] waiting = {null};
    PushTarget[] target = {null};
    windows.computeIfPresent(key, (k, window) -> {
      waiting[0] = window.waiting;
      target[0] = window.waitingTarget;
      if (waiting[0] == null) {
        return null;
      }
      Window next = new Window();
      next.startedAtMillis = System.currentTimeMillis();
      return next;
    });
    if (waiting[0] == null) {
      return CompletableFuture.completedFuture(null);
    }
    return send.apply(target[0], waiting[0]).whenComplete((sent, failed) -> {
      if (failed != null) {
        log.warn("a coalesced push to {}/{} failed: {}", key.userId(), key.deviceId(), failed.toString());
      }
    });
  }

  /**
   * Intervals that ended with nothing waiting are forgotten (P7: memory follows the recent pushes
   * only), each decided under its key's lock, so one given a waiting notification meanwhile stays.
   */
  void forgetQuiet(long nowMillis) {
    for (Key key : windows.keySet()) {
      windows.computeIfPresent(key, (k, window) -> window.waiting == null && nowMillis - window.startedAtMillis >= intervalMillis
          ? null : window);
    }
  }

  /**
   * Sends what waits now, rather than lose it with the process: a rolling deploy stops every
   * instance, and the waiting notifications' records are committed already.
   */
  void stop(Duration atMost) {
    timer.shutdownNow();
    CompletableFuture<?>[] flushed = windows.keySet().stream().map(this::flush).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(flushed).get(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception notAllSent) {
      log.warn("{} waiting pushes were flushed at shutdown; not all were sent within {}: {}", flushed.length, atMost,
          notAllSent.toString());
    }
  }
}
