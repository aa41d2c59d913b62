package dev.chatsync.sync.device;

/**
 * Where a device's offline pushes go (docs/api.md, "Push and settings").
 *
 * @param provider {@code webhook}, {@code fcm} or {@code apns}
 * @param token the provider's token of the device (for a webhook, an opaque id passed on)
 * @param endpoint the URL a webhook push is POSTed to; null for the others
 */
public record PushTarget(String provider, String token, String endpoint) {}
