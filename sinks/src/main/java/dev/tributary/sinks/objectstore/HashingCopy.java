package dev.tributary.sinks.objectstore;

import dev.tributary.operators.assets.MediaSniffer;
import dev.tributary.operators.assets.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * The one pass every content-addressed put starts with: copies a stream into a local file while hashing it and
 * keeping its first bytes for content sniffing, through one fixed buffer (memory stays bounded whatever the size).
 * An {@link Inspector} sees the bytes as they pass and can stop the copy early, so a body past a limit costs at
 * most the limit.
 */
public final class HashingCopy {

    private static final int BUFFER = 64 * 1024;

    /** A complete copy on disk: its digest, size and first {@link MediaSniffer#PREFIX_LENGTH} bytes. */
    public record Copied(Path file, String sha256, long sizeBytes, byte[] head, int headLength) {}

    /** Looks at the stream while it is copied; throwing stops the copy. */
    public interface Inspector {
        Inspector NONE = new Inspector() {};

        /** After every read, with the bytes copied so far. */
        default void size(long bytesSoFar) {}

        /** Once: when the head is complete, or at the end of a shorter stream. */
        default void head(byte[] head, int length) {}
    }

    /** Writing the local file failed: the copy's disk is at fault, not the input. */
    public static final class WriteFailedException extends IOException {
        WriteFailedException(Path file, IOException cause) {
            super("temporary file " + file + ": " + cause.getMessage(), cause);
        }
    }

    private HashingCopy() {}

    /**
     * Reads {@code in} to its end into {@code file}. A read failure propagates as the IOException it is; a write
     * failure is a {@link WriteFailedException}; whatever the inspector throws propagates.
     */
    public static Copied toFile(InputStream in, Path file, Inspector inspector) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[BUFFER];
        byte[] head = new byte[MediaSniffer.PREFIX_LENGTH];
        int headLength = 0;
        boolean headSeen = false;
        long size = 0;
        FileChannel channel = open(file);
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                size += n;
                inspector.size(size);
                if (!headSeen) {
                    int k = Math.min(head.length - headLength, n);
                    System.arraycopy(buffer, 0, head, headLength, k);
                    headLength += k;
                    if (headLength == head.length) {
                        headSeen = true;
                        inspector.head(head, headLength);
                    }
                }
                digest.update(buffer, 0, n);
                write(channel, file, buffer, n);
            }
        } finally {
            close(channel, file);
        }
        if (!headSeen) {
            inspector.head(head, headLength); // shorter than the sniffing prefix: judged on what there is
        }
        return new Copied(file, Sha256.hex(digest), size, head, headLength);
    }

    private static FileChannel open(Path file) throws WriteFailedException {
        try {
            return FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new WriteFailedException(file, e);
        }
    }

    private static void close(FileChannel channel, Path file) throws WriteFailedException {
        try {
            channel.close();
        } catch (IOException e) {
            throw new WriteFailedException(file, e);
        }
    }

    private static void write(FileChannel channel, Path file, byte[] buffer, int n) throws WriteFailedException {
        try {
            ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            throw new WriteFailedException(file, e);
        }
    }
}
