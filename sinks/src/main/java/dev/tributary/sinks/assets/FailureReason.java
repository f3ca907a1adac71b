package dev.tributary.sinks.assets;

/** Why a download failed; the name is the metric label and the prefix of the FAILED status's reason. */
public enum FailureReason {
    BLOCKED_URL(false),
    HTTP_CLIENT_ERROR(false),
    HTTP_SERVER_ERROR(true),
    RATE_LIMITED(true),
    TIMEOUT(true),
    NETWORK_ERROR(true),
    TOO_MANY_REDIRECTS(false),
    TOO_LARGE(false),
    UNSUPPORTED_MEDIA_TYPE(false),
    MEDIA_TYPE_MISMATCH(false),
    STORAGE_ERROR(true);

    private final boolean retryable;

    FailureReason(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether trying again later can succeed (server trouble), as opposed to a property of the request. */
    public boolean retryable() {
        return retryable;
    }
}
