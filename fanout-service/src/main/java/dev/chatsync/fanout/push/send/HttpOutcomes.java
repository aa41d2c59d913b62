package dev.chatsync.fanout.push.send;

import dev.chatsync.fanout.push.send.PushSender.Outcome;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The common reading of a provider's HTTP answer. */
final class HttpOutcomes {

  private HttpOutcomes() {}

  /** 2xx delivered; 408, 429, 5xx and no answer at all retried; any other status refused for good. */
  static Outcome of(int status) {
    if (status >= 200 && status < 300) {
      return Outcome.DELIVERED;
    }
    return status == 408 || status == 429 || status >= 500 ? Outcome.RETRY : Outcome.REFUSED;
  }

  /**
   * The answer's outcome, within {@code timeout} whatever the other side does (the JDK client's own
   * timeout stops at the headers; the body is discarded anyway). {@code ours}: statuses that speak of
   * this server's credentials, not of the device, retried rather than refused.
   */
  static CompletableFuture<Outcome> of(CompletableFuture<? extends HttpResponse<?>> answer, Duration timeout, Integer... ours) {
    Set<Integer> notTheDevice = Set.of(ours);
    return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((response, failed) -> failed != null || notTheDevice.contains(response.statusCode()) ? Outcome.RETRY
            : of(response.statusCode()));
  }
}
