package dev.chatsync.message.conversation;

import java.util.List;

/** A page of a conversation's current members (docs/api.md, "Large groups"). */
public record MemberPage(List<Member> members, String nextPageToken) {}
