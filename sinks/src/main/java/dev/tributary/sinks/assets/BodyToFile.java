package dev.tributary.sinks.assets;

import dev.tributary.operators.assets.MediaSniffer;
import dev.tributary.operators.assets.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Copies a response body into a temporary file while hashing it and sniffing its first bytes. It stops reading
 * the moment the body exceeds the size limit or its first bytes are not an allowed media type, so an oversized or
 * wrong file costs at most the limit, not its full length. Runs on the HTTP client's threads.
 */
final class BodyToFile {

    /** A complete body on disk. */
    record Body(Path file, String sha256, long sizeBytes, String contentType) {}

    private static final int BUFFER = 64 * 1024;

    private BodyToFile() {}

    /**
     * Reads the body to its end into {@code file}. A read failure propagates as the IOException it is (the caller
     * tells a timeout from a broken connection); a body past a limit, or the file failing, is a
     * {@link DownloadException} with its reason.
     */
    static Body copy(InputStream body, Path file, DownloadLimits limits) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[BUFFER];
        byte[] prefix = new byte[MediaSniffer.PREFIX_LENGTH];
        int prefixLength = 0;
        String contentType = null;
        long size = 0;
        try (FileChannel channel = open(file)) {
            int n;
            while ((n = body.read(buffer)) >= 0) {
                size += n;
                if (size > limits.maxBytes()) {
                    throw new DownloadException(FailureReason.TOO_LARGE, "body exceeds " + limits.maxBytes() + " bytes");
                }
                if (contentType == null) {
                    int k = Math.min(prefix.length - prefixLength, n);
                    System.arraycopy(buffer, 0, prefix, prefixLength, k);
                    prefixLength += k;
                    if (prefixLength == prefix.length) {
                        contentType = allowedType(prefix, prefixLength, limits);
                    }
                }
                digest.update(buffer, 0, n);
                write(channel, buffer, n);
            }
        }
        if (contentType == null) {
            contentType = allowedType(prefix, prefixLength, limits); // shorter than the sniffing prefix: judged on what there is
        }
        return new Body(file, Sha256.hex(digest), size, contentType);
    }

    private static FileChannel open(Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new DownloadException(FailureReason.STORAGE_ERROR, "temporary file: " + e.getMessage());
        }
    }

    private static void write(FileChannel channel, byte[] buffer, int n) {
        try {
            ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            throw new DownloadException(FailureReason.STORAGE_ERROR, "temporary file: " + e.getMessage());
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
