package dev.chatsync.message.send;

import dev.chatsync.message.timeline.Message;
import java.util.List;

/** A page of history, ascending by seq; {@code hasMore}: more messages lie beyond it in the paging direction. */
public record HistoryPage(List<Message> items, boolean hasMore) {}
