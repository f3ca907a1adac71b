package dev.tributary.sinks.redshift;

/**
 * Where an asset stands at an edge (column {@code edge_assets.status}). Every write to {@code edge_assets} moves a
 * row only to a higher {@code status_rank}, so replays and races never move it back. The rank counts request
 * attempts: {@code status_rank = attempt * ATTEMPT_STRIDE + rank}. A request answered FAILED or EXPIRED can be
 * made again (bin/edge request): that starts the next attempt, whose ranks are all above the previous attempt's, so a
 * late or replayed answer to the old request cannot touch the new one.
 */
public enum EdgeAssetStatus {
    /** Broadcast by HQ, not asked for. */
    AVAILABLE(0),
    /** Asked for at the edge (bin/edge request or SQL); the request publisher has not sent it yet. */
    REQUESTING(1),
    /** The request is on the edge's assets.requested topic. */
    REQUESTED(2),
    /** The file is in the edge's local outbox copy, sha256 verified (bin/edge sync). */
    DELIVERED(3),
    /** HQ answered the request FAILED (the download or the copy into the edge's outbox failed); may be requested again. */
    FAILED(3),
    /** HQ answered the request EXPIRED (the asset was not stored in time); may be requested again. */
    EXPIRED(3);

    /** Ranks of one attempt stay below this, so {@code status_rank / ATTEMPT_STRIDE} is the attempt. */
    public static final long ATTEMPT_STRIDE = 10;

    private final int rank;

    EdgeAssetStatus(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    /** The {@code status_rank} of this status in the given request attempt (0 for the first request). */
    public long rankIn(long attempt) {
        return attempt * ATTEMPT_STRIDE + rank;
    }

    /** True for HQ's answers that end a request without a file: the asset may be requested again. */
    public boolean isRetryable() {
        return this == FAILED || this == EXPIRED;
    }
}
