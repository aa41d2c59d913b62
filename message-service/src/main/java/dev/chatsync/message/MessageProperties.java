package dev.chatsync.message;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.messages.*}.
 *
 * @param maxBodyBytes the largest message body accepted, in UTF-8 bytes (docs/api.md: 16 KiB)
 * @param maxGroupMembers the largest group a conversation may have
 * @param seqAllocationAttempts how often a send retries its atomic append under contention before
 *     it answers 503
 * @param sendLease how long a send owns its clientMsgId before a retry may take it over; the send
 *     starts no append attempt later than the lease end less the store's request timeout and the
 *     clock skew (see {@link WriteMargin}), so it must be longer than both together
 * @param dedupTtl how long a clientMsgId is remembered: longer than any client retries a send (P5)
 * @param clockSkew how far the clocks of two instances may differ; part of every {@link WriteMargin}
 * @param sweepInterval how often the sweeper looks for membership and read changes whose request
 *     died half-way
 * @param sweepGrace how long a change is left to its own request before the sweeper finishes it; a
 *     request starts no conditional write of its change later than this less the write margin, so
 *     it must be longer than the margin
 * @param sweepLookback how far back the sweeper looks: longer than the grace, at most a day (the
 *     worklist's TTL), both checked at start-up; longer than an outage of every instance you want
 *     changes to survive without a retry
 * @param maxSendsInFlight how many sends one instance works on at once; one more is refused at once
 *     with 503 overloaded instead of queueing behind them (see {@code SendAdmission})
 * @param fanoutDelayTarget how far behind the fanout may be before sends are refused: from here on
 *     a growing share, all of them at twice this; zero turns it off
 * @param sendPath {@code owned}: the owner of a conversation's slot allocates seqs from memory and
 *     writes without a consensus round ({@code dev.chatsync.message.send.owner}); {@code consensus}:
 *     every send claims its clientMsgId and appends with a conditional write. Every instance of a
 *     cluster must use the same path
 * @param ownerLease how long an instance holds a slot without renewing it; after a crash its
 *     conversations wait this long plus the store's request timeout plus the clock skew
 * @param ownerRenewInterval how often the slot leases are renewed (one conditional write per
 *     instance); the lease must exceed twice this plus the request timeout plus the clock skew
 * @param advertisedAddress the base URL other instances forward sends to (on Kubernetes the pod
 *     IP); empty: this host's address and the server port
 * @param ownedConversations how many conversations an owner keeps in memory; idle ones beyond are
 *     dropped and loaded again on their next send
 * @param replayWindow how long an earlier span of a member added again is kept after its leaving
 *     message: at least the fanout's inbox TTL, the oldest entry a replay or rebuild writes (P1, P8)
 * @param recallWindow how long after sending a sender may recall a message; a group's creator may
 *     recall any message of the group at any time
 */
@ConfigurationProperties("chat.messages")
public record MessageProperties(
    @DefaultValue("16384") int maxBodyBytes,
    @DefaultValue("100000") int maxGroupMembers,
    @DefaultValue("64") int seqAllocationAttempts,
    @DefaultValue("15s") Duration sendLease,
    @DefaultValue("1d") Duration dedupTtl,
    @DefaultValue("2s") Duration clockSkew,
    @DefaultValue("5s") Duration sweepInterval,
    @DefaultValue("30s") Duration sweepGrace,
    @DefaultValue("1h") Duration sweepLookback,
    @DefaultValue("7d") Duration replayWindow,
    @DefaultValue("64") int maxSendsInFlight,
    @DefaultValue("500ms") Duration fanoutDelayTarget,
    @DefaultValue("owned") String sendPath,
    @DefaultValue("12s") Duration ownerLease,
    @DefaultValue("2s") Duration ownerRenewInterval,
    @DefaultValue("") String advertisedAddress,
    @DefaultValue("100000") int ownedConversations,
    @DefaultValue("24h") Duration recallWindow) {}
