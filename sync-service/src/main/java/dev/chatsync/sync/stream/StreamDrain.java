package dev.chatsync.sync.stream;

import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Ends every open stream when the instance begins to shut down, before the web server's graceful
 * shutdown waits for requests in flight. A stream never finishes by itself, so without this a
 * stopping instance would hold its devices until the shutdown timeout and then cut them; ended
 * cleanly, each device reconnects at once (to another instance) with {@code Last-Event-ID} and
 * misses nothing (P1) and gets nothing twice (P4).
 */
@Component
public class StreamDrain implements SmartLifecycle {

  /** A fresh signal per run: a context stopped and started again (tests do) serves streams again. */
  private final AtomicReference<Sinks.Empty<Void>> draining = new AtomicReference<>(Sinks.empty());
  private volatile boolean running;

  /** Completes when the instance starts to drain; a stream ends when it does. */
  Mono<Void> draining() {
    return draining.get().asMono();
  }

  /** False from the drain on: a stream asked for now is refused, so the client goes elsewhere. */
  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public void start() {
    draining.set(Sinks.empty());
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    draining.get().tryEmitEmpty();
  }

  /** Stops first: before the web server's graceful shutdown phase, which waits for open requests. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }
}
