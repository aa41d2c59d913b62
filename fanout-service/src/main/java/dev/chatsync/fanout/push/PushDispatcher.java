package dev.chatsync.fanout.push;

import dev.chatsync.fanout.push.send.PushSender;
import dev.chatsync.fanout.push.send.PushSender.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a notification to a target through its provider's sender: retried with a doubling pause on
 * 5xx, 429 and no answer, up to {@code chat.push.attempts}; a refusal disables the target. Every
 * outcome is counted ({@code chat.push.sent{provider,outcome}}).
 */
public final class PushDispatcher {

  private static final Logger log = LoggerFactory.getLogger(PushDispatcher.class);

  private final Map<String, PushSender> senders;
  private final PushDirectory directory;
  private final PushProperties properties;
  private final MeterRegistry meters;

  public PushDispatcher(List<PushSender> senders, PushDirectory directory, PushProperties properties, MeterRegistry meters) {
    this.senders = senders.stream().collect(Collectors.toMap(PushSender::provider, Function.identity()));
    this.directory = directory;
    this.properties = properties;
    this.meters = meters;
  }

  /** Completes when the notification was delivered, refused or given up on; never exceptionally. */
  public CompletableFuture<Outcome> dispatch(PushTarget target, Notification notification) {
    PushSender sender = senders.get(target.provider());
    if (sender == null || !sender.configured()) {
      log.debug("no {} sender is configured; the push to {}/{} is dropped", target.provider(), target.userId(), target.deviceId());
      return counted(target, CompletableFuture.completedFuture(Outcome.RETRY), "unconfigured");
    }
    return counted(target, attempt(sender, target, notification, 1), null);
  }

  /** A sender that throws (a target it cannot even address) is one failed attempt, never a failed poll. */
  private static CompletableFuture<Outcome> tryOnce(PushSender sender, PushTarget target, Notification notification) {
    try {
      return sender.send(target, notification).exceptionally(failed -> Outcome.RETRY);
    } catch (RuntimeException unusable) {
      log.warn("the {} sender failed on the target of {}/{}: {}", target.provider(), target.userId(), target.deviceId(),
          unusable.toString());
      return CompletableFuture.completedFuture(Outcome.RETRY);
    }
  }

  private CompletableFuture<Outcome> attempt(PushSender sender, PushTarget target, Notification notification, int attempt) {
    return tryOnce(sender, target, notification).thenCompose(outcome -> {
      if (outcome == Outcome.REFUSED) {
        log.info("{} refused the target of {}/{} for good; disabled until the device registers again", target.provider(),
            target.userId(), target.deviceId());
        return CompletableFuture.supplyAsync(() -> {
          try {
            directory.disable(target, target.provider() + " refused it");
          } catch (RuntimeException unwritten) {
            log.warn("disabling the target of {}/{} failed; its next push tries again: {}", target.userId(), target.deviceId(),
                unwritten.toString());
          }
          return outcome;
        });
      }
      if (outcome == Outcome.RETRY && attempt < properties.attempts()) {
        long pause = properties.firstRetry().toMillis() << (attempt - 1);
        Executor later = CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS);
        return CompletableFuture.supplyAsync(() -> null, later).thenCompose(ignored -> attempt(sender, target, notification,
            attempt + 1));
      }
      return CompletableFuture.completedFuture(outcome);
    });
  }

  private CompletableFuture<Outcome> counted(PushTarget target, CompletableFuture<Outcome> outcome, String reason) {
    return outcome.whenComplete((done, failed) -> meters.counter("chat.push.sent", "provider", target.provider(), "outcome",
        reason != null ? reason : failed != null ? "failed" : done == Outcome.RETRY ? "gave-up" : done.name().toLowerCase())
        .increment());
  }
}
