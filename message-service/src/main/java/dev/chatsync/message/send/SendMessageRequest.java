package dev.chatsync.message.send;

/** {@code POST /conversations/{id}/messages}; {@code type} defaults to "text". */
public record SendMessageRequest(String clientMsgId, String type, String body) {}
