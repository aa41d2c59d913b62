package dev.chatsync.sync.inbox;

import java.util.List;

/**
 * One page of {@code GET /sync}: entries ascending by inbox seq; the device asks next with
 * {@code after = nextAfter}, which also acknowledges this page.
 */
public record SyncPage(List<SyncEntry> entries, long nextAfter, boolean hasMore) {}
