package dev.chatsync.fanout.push.send;

import dev.chatsync.fanout.push.send.PushSender.Outcome;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/** The common reading of a provider's HTTP answer. */
final class HttpOutcomes {

  private HttpOutcomes() {}

  /** 2xx delivered; 429, 5xx and no answer at all retried; any other 4xx refused for good. */
  static Outcome of(int status) {
    if (status >= 200 && status < 300) {
      return Outcome.DELIVERED;
    }
    return status == 429 || status >= 500 ? Outcome.RETRY : Outcome.REFUSED;
  }

  static CompletableFuture<Outcome> of(CompletableFuture<HttpResponse<String>> answer) {
    return answer.handle((response, failed) -> failed != null ? Outcome.RETRY : of(response.statusCode()));
  }
}
