package dev.chatsync.bench;

import java.util.concurrent.Flow;
import java.util.function.BiConsumer;

/**
 * One device's SSE stream, read without a thread of its own (a line subscriber). Hands the body
 * of each message event to {@code onMessage} with the time it arrived; parses only what the
 * benchmark needs, so the tool's own cost stays small.
 */
final class EventStream implements Flow.Subscriber<String> {

  private static final String BODY = "\"body\":\"";

  private final BiConsumer<String, Long> onMessage;
  private volatile Flow.Subscription subscription;
  private boolean messageEvent;

  EventStream(BiConsumer<String, Long> onMessage) {
    this.onMessage = onMessage;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(String line) {
    if (line.startsWith("event:")) {
      messageEvent = line.endsWith("message");
    } else if (messageEvent && line.startsWith("data:")) {
      int start = line.indexOf(BODY);
      if (start >= 0) {
        int from = start + BODY.length();
        onMessage.accept(line.substring(from, line.indexOf('"', from)), System.nanoTime());
      }
    } else if (line.isEmpty()) {
      messageEvent = false;
    }
  }

  @Override
  public void onError(Throwable throwable) {}

  @Override
  public void onComplete() {}

  void close() {
    Flow.Subscription current = subscription;
    if (current != null) {
      current.cancel();
    }
  }
}
