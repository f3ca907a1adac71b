package dev.tributary.sinks.assets;

import dev.tributary.events.Thumbnail;

/** How one download attempt ended. */
public sealed interface DownloadResult {

    /** The bytes are in object storage under a content-addressed key; the thumbnail is made from them. */
    record Stored(String objectKey, String sha256, long sizeBytes, String contentType, boolean alreadyPresent,
                  Thumbnail thumbnail) implements DownloadResult {}

    record Failed(FailureReason reason, String message) implements DownloadResult {
        public String describe() {
            return reason + ": " + message;
        }
    }
}
