package dev.chatsync.fanout.push;

/** A device's registered push target (push_targets). */
public record PushTarget(String userId, String deviceId, String provider, String token, String endpoint) {}
