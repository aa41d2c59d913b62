package dev.chatsync.message.lifecycle;

/** The new body of an edited message. */
public record EditMessageRequest(String body) {}
