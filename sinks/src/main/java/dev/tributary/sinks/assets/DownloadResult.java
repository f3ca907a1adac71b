package dev.tributary.sinks.assets;

/** How one download attempt ended. */
public sealed interface DownloadResult {

    /** The bytes are in object storage under a content-addressed key. */
    record Stored(String objectKey, String sha256, long sizeBytes, String contentType, boolean alreadyPresent)
            implements DownloadResult {}

    record Failed(FailureReason reason, String message) implements DownloadResult {
        public String describe() {
            return reason + ": " + message;
        }
    }
}
