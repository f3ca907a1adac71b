package dev.tributary.sinks.redshift;

/**
 * Where an asset stands at an edge (column {@code edge_assets.status}). The rank orders the statuses: every
 * write to {@code edge_assets} moves a row only to a higher rank, so replays and races never move it back.
 */
public enum EdgeAssetStatus {
    /** Broadcast by HQ, not asked for. */
    AVAILABLE(0),
    /** Asked for at the edge (bin/edge request or SQL); the request publisher has not sent it yet. */
    REQUESTING(1),
    /** The request is on the edge's assets.requested topic. */
    REQUESTED(2),
    /** The file is in the edge's local outbox copy, sha256 verified (bin/edge sync). */
    DELIVERED(3);

    private final int rank;

    EdgeAssetStatus(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }
}
