package dev.tributary.sinks.assets;

/** A download that ended for a known reason; carried through the futures and turned into a {@link DownloadResult.Failed}. */
final class DownloadException extends RuntimeException {

    final FailureReason reason;

    DownloadException(FailureReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }
}
