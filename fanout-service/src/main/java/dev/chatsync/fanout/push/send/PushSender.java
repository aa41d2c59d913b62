package dev.chatsync.fanout.push.send;

import dev.chatsync.fanout.push.Notification;
import dev.chatsync.fanout.push.PushTarget;
import java.util.concurrent.CompletableFuture;

/** One provider's way to reach a device. */
public interface PushSender {

  /** What the provider made of one attempt. */
  enum Outcome {
    DELIVERED,
    /** 5xx, 429, a timeout: try again later. */
    RETRY,
    /** The provider will never take it (an unregistered token, a refused endpoint): disable the target. */
    REFUSED
  }

  /** {@code webhook}, {@code fcm} or {@code apns}: the targets it serves. */
  String provider();

  /** Whether its settings let it send at all; an unconfigured sender's pushes are dropped, counted. */
  boolean configured();

  /** One attempt; never completes exceptionally (a failure to connect is {@link Outcome#RETRY}). */
  CompletableFuture<Outcome> send(PushTarget target, Notification notification);
}
