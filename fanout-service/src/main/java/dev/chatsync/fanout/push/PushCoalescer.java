package dev.chatsync.fanout.push;

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
 * replaced by any later one, and goes alone: it carries the newest unread count. A crash loses such
 * a trailing notification, never the interval's first: the device was told of the conversation.
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
    boolean[] schedule = {false};
    windows.compute(key, (k, window) -> {
      if (window == null || nowMillis - window.startedAtMillis >= intervalMillis) {
        Window fresh = new Window();
        fresh.startedAtMillis = nowMillis;
        now[0] = true;
        return fresh;
      }
      schedule[0] = window.waiting == null;
      window.waiting = notification;
      window.waitingTarget = target;
      return window;
    });
    if (now[0]) {
      return send.apply(target, notification);
    }
    if (schedule[0]) {
      long delay = Math.max(0, windows.get(key).startedAtMillis + intervalMillis - nowMillis);
      timer.schedule(() -> flush(key), delay, TimeUnit.MILLISECONDS);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** The interval ended: its waiting notification goes and starts the next one. */
  private void flush(Key key) {
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
    if (waiting[0] != null) {
      send.apply(target[0], waiting[0]).whenComplete((sent, failed) -> {
        if (failed != null) {
          log.warn("a coalesced push to {}/{} failed: {}", key.userId(), key.deviceId(), failed.toString());
        }
      });
    }
  }

  /** Intervals that ended with nothing waiting are forgotten (P7: memory follows the recent pushes only). */
  void forgetQuiet(long nowMillis) {
    windows.entrySet().removeIf(entry -> entry.getValue().waiting == null
        && nowMillis - entry.getValue().startedAtMillis >= intervalMillis);
  }

  void stop() {
    timer.shutdownNow();
  }
}
