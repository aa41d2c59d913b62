package dev.chatsync.fanout.push;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a device is told (docs/api.md, "Push and settings"). {@code notificationId} is the same for
 * every attempt and every redelivery of one notification: a device drops one it has seen.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notification(String notificationId, String conversationId, long seq, String senderId, long unreadCount,
    String preview) {}
