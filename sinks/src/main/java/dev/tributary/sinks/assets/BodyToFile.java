package dev.tributary.sinks.assets;

import dev.tributary.operators.assets.MediaSniffer;
import dev.tributary.sinks.objectstore.HashingCopy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A response body into a temporary file ({@link HashingCopy}), judged while it passes: the copy stops the moment
 * the body exceeds the size limit or its first bytes are not an allowed media type, so an oversized or wrong file
 * costs at most the limit, not its full length. Runs on the HTTP client's threads.
 */
final class BodyToFile {

    /** A complete body on disk, with its sniffed (and allowed) media type. */
    record Body(HashingCopy.Copied copy, String contentType) {
        Path file() {
            return copy.file();
        }

        String sha256() {
            return copy.sha256();
        }

        long sizeBytes() {
            return copy.sizeBytes();
        }
    }

    private BodyToFile() {}

    /**
     * Reads the body to its end into {@code file}. A read failure propagates as the IOException it is (the caller
     * tells a timeout from a broken connection); a body past a limit, or the file failing, is a
     * {@link DownloadException} with its reason.
     */
    static Body copy(InputStream body, Path file, DownloadLimits limits) throws IOException {
        String[] contentType = new String[1];
        HashingCopy.Inspector judge = new HashingCopy.Inspector() {
            @Override
            public void size(long bytesSoFar) {
                if (bytesSoFar > limits.maxBytes()) {
                    throw new DownloadException(FailureReason.TOO_LARGE, "body exceeds " + limits.maxBytes() + " bytes");
                }
            }

            @Override
            public void head(byte[] head, int length) {
                contentType[0] = allowedType(head, length, limits);
            }
        };
        try {
            return new Body(HashingCopy.toFile(body, file, judge), contentType[0]);
        } catch (HashingCopy.WriteFailedException e) {
            throw new DownloadException(FailureReason.STORAGE_ERROR, e.getMessage());
        }
    }

    private static String allowedType(byte[] prefix, int length, DownloadLimits limits) {
        Optional<String> detected = MediaSniffer.sniff(prefix, length);
        if (detected.isEmpty() || !limits.allowedMediaTypes().contains(detected.get())) {
            throw new DownloadException(FailureReason.UNSUPPORTED_MEDIA_TYPE,
                    "bytes are " + detected.orElse("of no known media type") + ", not one of " + limits.allowedMediaTypes());
        }
        return detected.get();
    }
}
