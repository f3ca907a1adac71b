package dev.tributary.sinks.redshift;

/**
 * The id of an edge's request for an asset: stable per attempt, so every resend of one request dedupes at HQ
 * (whose assets flow answers each request id once), and new per attempt, so a request made again after a FAILED
 * or EXPIRED answer is a new request there. The first attempt is {@code <edgeId>/<assetId>}, later ones
 * {@code <edgeId>/<assetId>#<attempt>}.
 */
public record EdgeRequestId(String edgeId, String assetId, long attempt) {

    private static final char ATTEMPT_SEPARATOR = '#';

    public EdgeRequestId {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
        }
    }

    /** The attempt a request id was sent in: 0 without a {@code #<n>} suffix (or with one that is not a number). */
    public static long attemptOf(String requestId) {
        int hash = requestId.lastIndexOf(ATTEMPT_SEPARATOR);
        int slash = requestId.lastIndexOf('/');
        if (hash < 0 || hash < slash) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(requestId.substring(hash + 1)));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * True when {@code requestId} is one this edge's tools send for {@code assetId} (in any attempt): HQ answers
     * requests from other producers on the same topic, and only the edge's own may change its catalog.
     */
    public static boolean isOwnRequest(String requestId, String edgeId, String assetId) {
        return requestId.equals(new EdgeRequestId(edgeId, assetId, 0).toString())
                || requestId.equals(new EdgeRequestId(edgeId, assetId, Math.max(1, attemptOf(requestId))).toString());
    }

    @Override
    public String toString() {
        return attempt == 0 ? edgeId + "/" + assetId : edgeId + "/" + assetId + ATTEMPT_SEPARATOR + attempt;
    }
}
