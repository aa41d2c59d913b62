package dev.chatsync.contracts.identity;

/** The user and device a request acts for, as verified by the gateway. */
public record Caller(String userId, String deviceId) {}
